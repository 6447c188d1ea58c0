// The `quanta` command line for tests that run from sources (tsx), where bin/quanta.js would run
// a possibly stale build: `node --import tsx src/train/testing/quanta-cli.ts train ...`.

import { main } from "../../cli/main.js";

process.exitCode = await main(process.argv.slice(2));
