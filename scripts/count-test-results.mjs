// Sums the vitest JSON reports (test-results.json) of the given folders (the
// apps, and packages/fork) and prints `N passed, N failed`. A missing report
// counts as one failure: that folder's tests did not run to the end. So does
// a test file that failed with no failed test: it failed outside its tests
// (an import, a beforeAll), and vitest reports its tests as skipped.
// Each failure is named on stderr, with the first line of its error, so that
// the end of a CI log says what failed and not only how many.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
for (const folder of process.argv.slice(2)) {
  try {
    const report = JSON.parse(readFileSync(join(folder, 'test-results.json'), 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    for (const file of report.testResults ?? []) {
      const failedTests = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
      for (const test of failedTests) {
        const why = (test.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300);
        console.error(
          `FAILED ${file.name} > ${test.fullName} (${Math.round(test.duration ?? 0)} ms): ${why}`,
        );
      }
      if (file.status === 'failed' && failedTests.length === 0) {
        console.error(`${file.name}: failed outside its tests ${file.message ?? ''}`.trim());
        failed += 1;
      }
    }
  } catch {
    console.error(`${folder}: no test report`);
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
