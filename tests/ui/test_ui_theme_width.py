from PySide6.QtWidgets import QApplication


def test_changing_the_theme_keeps_the_reader_width(article_window, qtbot):
    window = article_window
    window.resize(1360, 860)
    window.library.tags.use_set("ptc")
    window.watcher.poll()
    qtbot.wait(50)
    before = window.splitter.sizes()
    for theme in ("dark", "light", "system"):
        window.set_theme(theme)
        QApplication.processEvents()
        qtbot.wait(50)
        assert window.splitter.sizes() == before, theme
