/** A shrink worker for tests that never finishes, as one stuck in a loop of the Raft under test. */
for (let turns = 0; ; turns++) if (turns < 0) break;
