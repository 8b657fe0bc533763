"""The SQLite data directory's schema: a version number and the migrations that reach it.

``SCHEMA_VERSION`` is stored in ``PRAGMA user_version``. A directory at an older version is
migrated forward in one transaction at start-up (each step in ``MIGRATIONS``); one written by a
newer emulator (or not by us at all) is refused with ``IncompatibleDataDir`` before anything is
written. Version 1 is the first release: its migration creates every table.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 3
# Written into every database we create, so a foreign SQLite file is never mistaken for ours.
APPLICATION_ID = 0x53464E45  # "SFNE"
DATABASE_FILE = "sfn-emulator.sqlite3"

_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Resource records (state machines, versions, aliases, activities, Map Runs, tags): one JSON
-- document per ARN and partition.
CREATE TABLE resources (
    kind TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL, arn TEXT NOT NULL,
    seq INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (kind, account, region, arn)
) WITHOUT ROWID;
-- A state machine (or version) as an execution ran it, shared by the executions that ran it.
CREATE TABLE machine_snapshots (hash TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE executions (
    id INTEGER PRIMARY KEY, arn TEXT NOT NULL UNIQUE, account TEXT NOT NULL, region TEXT NOT NULL,
    name TEXT NOT NULL, machine TEXT NOT NULL, state_machine_arn TEXT NOT NULL, input TEXT NOT NULL,
    start_date REAL NOT NULL, status TEXT NOT NULL, stop_date REAL, output TEXT, error TEXT, cause TEXT,
    trace_header TEXT, version_arn TEXT, alias_arn TEXT, redrive_count INTEGER NOT NULL DEFAULT 0,
    redrive_date REAL, map_run_arn TEXT,
    -- where the execution's own flow is (the state it entered, its input, the variables), and
    -- the id of that flow's latest event: what a restart resumes from
    position TEXT, root_last INTEGER
);
CREATE TABLE events (
    execution INTEGER NOT NULL, id INTEGER NOT NULL, previous INTEGER NOT NULL, type TEXT NOT NULL,
    timestamp REAL NOT NULL, details_key TEXT, details TEXT,
    PRIMARY KEY (execution, id)
) WITHOUT ROWID;
"""

# Version 2: the answers to task tokens (SendTaskSuccess / SendTaskFailure), written before they are
# acknowledged; a restart hands each to the resumed task waiting for it (kept a few minutes). The
# executions table loses its index on arn (never searched by it; it cost each new execution a write
# at a random place): the table is made again without it.
_V2 = """
CREATE TABLE token_outcomes (
    token TEXT PRIMARY KEY, kind TEXT NOT NULL, output TEXT, error TEXT, cause TEXT, answered REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE executions_v2 (
    id INTEGER PRIMARY KEY, arn TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL,
    name TEXT NOT NULL, machine TEXT NOT NULL, state_machine_arn TEXT NOT NULL, input TEXT NOT NULL,
    start_date REAL NOT NULL, status TEXT NOT NULL, stop_date REAL, output TEXT, error TEXT, cause TEXT,
    trace_header TEXT, version_arn TEXT, alias_arn TEXT, redrive_count INTEGER NOT NULL DEFAULT 0,
    redrive_date REAL, map_run_arn TEXT, position TEXT, root_last INTEGER
);
INSERT INTO executions_v2 SELECT id, arn, account, region, name, machine, state_machine_arn, input,
    start_date, status, stop_date, output, error, cause, trace_header, version_arn, alias_arn,
    redrive_count, redrive_date, map_run_arn, position, root_last FROM executions;
DROP TABLE executions;
ALTER TABLE executions_v2 RENAME TO executions;
"""

# Version 3: a Map Run child's item count (ListExecutions' ``itemCount`` when listed by mapRunArn).
_V3 = """
ALTER TABLE executions ADD COLUMN item_count INTEGER;
"""

# MIGRATIONS[n] takes a database at version n to version n + 1.
MIGRATIONS: dict[int, str] = {0: _V1, 1: _V2, 2: _V3}


class IncompatibleDataDir(Exception):
    """The data directory was written by a newer emulator, or is not ours: nothing is touched."""


def open_database(path: str) -> sqlite3.Connection:
    """Open (creating or migrating) the database at ``path``; raise ``IncompatibleDataDir``
    before writing anything when it is not one this version can use."""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        application = connection.execute("PRAGMA application_id").fetchone()[0]
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise IncompatibleDataDir(
                f"{path} was written by a newer sfn-emulator (schema version {version}; this one reads "
                f"up to {SCHEMA_VERSION}). Upgrade the emulator or choose another --data-dir; nothing "
                "was changed."
            )
        if (version == 0 and tables) or (version > 0 and application != APPLICATION_ID):
            raise IncompatibleDataDir(
                f"{path} is not an sfn-emulator data file (application id {application:#x}, schema "
                f"version {version}). Choose another --data-dir; nothing was changed."
            )
        connection.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a commit is in the OS's hands when it returns (a killed process loses
        # nothing committed); the WAL is synced to the disk at each checkpoint (store/sqlite.py).
        connection.execute("PRAGMA synchronous=NORMAL")
        if version < SCHEMA_VERSION:
            connection.execute("BEGIN IMMEDIATE")
            try:
                for step in range(version, SCHEMA_VERSION):
                    for statement in _statements(MIGRATIONS[step]):
                        connection.execute(statement)
                connection.execute(f"PRAGMA application_id={APPLICATION_ID}")
                connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
    except sqlite3.DatabaseError as error:
        connection.close()
        raise IncompatibleDataDir(f"{path} cannot be read as an SQLite database: {error}") from None
    except BaseException:
        connection.close()
        raise
    return connection


def _statements(script: str) -> list[str]:
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
