// Measures the status-code recognizer (src/core/codes/recognize.ts) two ways, for the unit test and for
// scripts/code-recognizer-accuracy.mjs:
//  1. precision and recall on a hand-checked labelled set of real corpus lines (test/fixtures/code-recognizer/);
//  2. recall against strict reference rules that do not share the recognizer's logic: the corpus's own answer
//     key for log lines (expected-logs.tsv) and the two DSN fields whose syntax RFC 3464 fixes (Status:,
//     Diagnostic-Code: smtp;) in every .eml file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findCodes } from '../../src/core/codes/recognize';
import { CORPUS_DIR } from './corpus';

export const LABELLED_SET = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'code-recognizer', 'labelled-lines.jsonl');

export interface LabelledLine {
  readonly source: string;
  readonly text: string;
  /** Every code a careful reader finds on the line, reply and enhanced codes counted separately. */
  readonly codes: readonly string[];
}

export interface Score {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly precision: number;
  readonly recall: number;
  /** Lines where the recognizer and the label disagree, for a reader to check. */
  readonly disagreements: readonly { source: string; text: string; expected: readonly string[]; found: readonly string[] }[];
}

export function readLabelledSet(file = LABELLED_SET): LabelledLine[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as LabelledLine);
}

/** The codes the recognizer finds on a line, as a flat list like the labels. */
export function recognizedCodes(text: string): string[] {
  return findCodes(text).flatMap((mention) => [mention.reply?.code, mention.enhanced?.code].filter((code): code is string => code !== undefined));
}

/** Precision and recall over code occurrences (multisets per line). */
export function scoreLabelledSet(lines: readonly LabelledLine[]): Score {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  const disagreements: Score['disagreements'][number][] = [];
  for (const line of lines) {
    const found = recognizedCodes(line.text);
    const unmatched = [...line.codes];
    let lineFalsePositives = 0;
    for (const code of found) {
      const index = unmatched.indexOf(code);
      if (index >= 0) unmatched.splice(index, 1);
      else lineFalsePositives += 1;
    }
    truePositives += found.length - lineFalsePositives;
    falsePositives += lineFalsePositives;
    falseNegatives += unmatched.length;
    if (lineFalsePositives > 0 || unmatched.length > 0) disagreements.push({ source: line.source, text: line.text, expected: line.codes, found });
  }
  return {
    truePositives, falsePositives, falseNegatives,
    precision: truePositives / Math.max(1, truePositives + falsePositives),
    recall: truePositives / Math.max(1, truePositives + falseNegatives),
    disagreements,
  };
}

export interface RecallResult {
  readonly rule: string;
  readonly expected: number;
  readonly found: number;
  readonly recall: number;
  readonly misses: readonly string[];
}

function recallOf(rule: string, checks: readonly { where: string; line: string; code: string }[]): RecallResult {
  const misses = checks.filter((check) => !recognizedCodes(check.line).includes(check.code)).map((check) => `${check.where}: ${check.code} in ${JSON.stringify(check.line.slice(0, 160))}`);
  const found = checks.length - misses.length;
  return { rule, expected: checks.length, found, recall: found / Math.max(1, checks.length), misses };
}

/** expected-logs.tsv: every row with a status names a code on a given log line. */
export function logKeyRecall(corpus = CORPUS_DIR): RecallResult {
  const rows = fs.readFileSync(path.join(corpus, 'expected-logs.tsv'), 'utf8').split('\n').slice(1).filter(Boolean).map((row) => row.split('\t'));
  const fileLines = new Map<string, string[]>();
  const checks = rows.filter((row) => row[4] !== '-').map(([file, lineNumber, , , status]) => {
    if (!fileLines.has(file)) fileLines.set(file, fs.readFileSync(path.join(corpus, file), 'latin1').split(/\r\n|\r|\n/));
    return { where: `${file}:${lineNumber}`, line: fileLines.get(file)![Number(lineNumber) - 1] ?? '', code: status };
  });
  return recallOf('expected-logs.tsv status column', checks);
}

// RFC 3464 fields with a fixed syntax; written independently of the recognizer's context rules.
const STATUS_FIELD = /^\s*Status:\s*([245]\.\d{1,3}\.\d{1,3})\b/i;
const DIAGNOSTIC_FIELD = /^\s*Diagnostic-Code:\s*smtp\s*;\s*([245]\d\d)\b/i;

/** In every .eml file, the Status: and Diagnostic-Code: smtp; fields. */
export function dsnFieldRecall(corpus = CORPUS_DIR): RecallResult {
  const checks: { where: string; line: string; code: string }[] = [];
  for (const file of emlFiles(path.join(corpus, 'eml'))) {
    fs.readFileSync(file, 'latin1').split(/\r\n|\r|\n/).forEach((line, index) => {
      const match = STATUS_FIELD.exec(line) ?? DIAGNOSTIC_FIELD.exec(line);
      if (match) checks.push({ where: `${path.relative(corpus, file)}:${index + 1}`, line, code: match[1].split('.').map(Number).join('.') });
    });
  }
  return recallOf('DSN Status: / Diagnostic-Code: smtp; fields in eml/', checks);
}

function emlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return emlFiles(full);
    return entry.name === 'LICENSE' ? [] : [full];
  });
}
