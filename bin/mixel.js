#!/usr/bin/env node
// The `mixel` command. Plain JavaScript importing the compiled CLI, so start-up needs no TypeScript loader.
import { runCli } from '../dist/src/main/cli/main.js';

process.exitCode = await runCli(process.argv);
