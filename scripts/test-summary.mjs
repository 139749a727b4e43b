// Prints vitest's JSON reports (the main run's and the solo run's) as the plain closing line CI tools read:
// "N passed, N failed[, N skipped]", summed over the reports.
import { readFileSync } from "node:fs"

const files = process.argv.length > 2 ? process.argv.slice(2) : [".vitest-report.json"]
let passed = 0
let failed = 0
let skipped = 0
for (const file of files) {
  let report
  try {
    report = JSON.parse(readFileSync(file, "utf8"))
  } catch {
    // A run that could not start wrote no report: count it as a failure rather than hide it.
    console.error(`test-summary: no report in ${file}`)
    failed++
    continue
  }
  passed += report.numPassedTests
  failed += report.numFailedTests
  skipped += report.numPendingTests + report.numTodoTests
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`)
