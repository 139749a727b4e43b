// Prints vitest's JSON report as the plain closing line CI tools read: "N passed, N failed[, N skipped]".
import { readFileSync } from "node:fs"

const report = JSON.parse(readFileSync(process.argv[2] ?? ".vitest-report.json", "utf8"))
const skipped = report.numPendingTests + report.numTodoTests
console.log(
  `${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`
)
