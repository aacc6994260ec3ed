from desktop.cli import main

if __name__ == "__main__":  # not when a worker process of an import starts (spawn)
    main()
