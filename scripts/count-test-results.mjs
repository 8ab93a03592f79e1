// Sums the vitest JSON reports (test-results.json) of the given app folders
// and prints `N passed, N failed`. A missing report counts as one failure:
// that app's tests did not run to the end.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
for (const folder of process.argv.slice(2)) {
  try {
    const report = JSON.parse(readFileSync(join(folder, 'test-results.json'), 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
  } catch {
    console.error(`${folder}: no test report`);
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
