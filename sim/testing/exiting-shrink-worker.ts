/** A shrink worker for tests whose thread exits at once, as one killed by running out of memory. */
process.exit(70);
