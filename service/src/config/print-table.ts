// Prints the README's configuration table from the variable declarations: `npm run config:doc`.
import { configurationTable } from './config.js';

process.stdout.write(`${configurationTable()}\n`);
