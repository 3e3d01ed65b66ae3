// Adds up every package's vitest JSON report for .ci/run: names each failed test and each file
// that failed outside a test (a suite-level error), so the CI log says what failed even when
// only its tail is kept, then prints `passed failed reports` on the last line for the shell.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const files = execSync('find . -name .vitest-report.json -not -path "*/node_modules/*"', {
  encoding: 'utf8',
})
  .split('\n')
  .filter(Boolean)
  .sort();

const firstLine = (text) =>
  String(text ?? '')
    .split('\n')
    .find((line) => line.trim() !== '') ?? '';
let passed = 0;
let failed = 0;
const failures = [];
for (const file of files) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  for (const suite of report.testResults) {
    const where = suite.name.replace(`${process.cwd()}/`, '');
    for (const test of suite.assertionResults) {
      if (test.status === 'failed') failures.push(`FAILED ${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    }
    if (suite.status === 'failed' && !suite.assertionResults.some((test) => test.status === 'failed')) {
      failures.push(`FAILED ${where} (outside any test): ${firstLine(suite.message)}`);
    }
  }
}
if (files.length === 0) failed += 1;
for (const line of failures) console.log(line.slice(0, 600));
console.log(`${passed} ${failed} ${files.length}`);
