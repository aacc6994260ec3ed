"""The baseline process of the ``export-cli`` benchmark: the CSV's 16 columns written
from one SQLite table with ``csv.writer``, by a program that imports nothing but the
standard library.

``python benchmarks/export_baseline.py DB OUT`` reads every row of the table ``passages``
of ``DB`` (the 16 columns of Closeread's CSV, ``link`` included, in the CSV's order) and
writes them to ``OUT`` with ``csv.writer`` (CRLF line ends, UTF-8), then prints the number
of rows. It is the least work that writes those bytes: no join, no link to compute, no
formula neutralisation, no start-up beyond ``sqlite3`` and ``csv``.
"""

import csv
import sqlite3
import sys


def main(db_path: str, out_path: str) -> int:
    conn = sqlite3.connect(db_path)
    count = 0
    with open(out_path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        cursor = conn.execute("SELECT * FROM passages ORDER BY rowid")
        writer.writerow([column[0] for column in cursor.description])
        for row in cursor:
            writer.writerow(row)
            count += 1
    conn.close()
    return count


if __name__ == "__main__":
    print(main(sys.argv[1], sys.argv[2]), flush=True)
