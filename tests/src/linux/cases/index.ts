/** The suite's one case table, every area together; ids are unique (checked by the native test). */
import type { SuiteCase } from '../case.js';
import { shellCases } from './shell.js';
import { textCases } from './text.js';
import { fileCases } from './files.js';
import { programCases } from './programs.js';
import { hostToolCases } from './host-tools.js';

export const CASES: SuiteCase[] = [...shellCases, ...textCases, ...fileCases, ...programCases, ...hostToolCases];
