"""Writes N minimal licence rows and their status lists straight into a migrated LicenceTrust SQLite
database, for benchmarks/status-scale.sh. Start-up and status read only the status columns, so the
rows carry no credential (signing is not what is measured): one in 100 is revoked, one in 250
suspended, the rest valid, 65,536 to a list of 131,072 slots (the node's half-full rule)."""
import sqlite3
import sys

path, count = sys.argv[1], int(sys.argv[2])
HALF, SIZE, NOW = 65_536, 131_072, 1_764_460_800_000
db = sqlite3.connect(path)
db.execute("PRAGMA journal_mode=OFF")
db.execute("PRAGMA synchronous=OFF")
lists = (count + HALF - 1) // HALF
db.executemany(
    "INSERT INTO status_lists (id, size, used, version, updated_at) VALUES (?, ?, ?, 1, ?)",
    [(n + 1, SIZE, min(HALF, count - n * HALF), NOW) for n in range(lists)])


def rows():
    for i in range(count):
        status_list, index = divmod(i, HALF)
        status = 2 if i % 100 == 0 else 1 if i % 250 == 0 else 0
        yield (f"scale.{i:010d}", "11500000MB1A00011N", "11100000MB0100001D001", f"S{i:010d}", "规模测试有限公司",
               "{}", status, status_list + 1, index, "", NOW, "scale")


db.executemany(
    "INSERT INTO licences (identifier, authority_code, type_code, number, holder_name, licence_json, status, "
    "status_list, status_index, qr_text, issued_at, issued_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows())
db.commit()
db.close()
print(f"{count} licences in {lists} status lists written to {path}")
