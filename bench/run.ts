/**
 * Runs every benchmark in sequence (npm run bench). Each module runs on import and prints
 * its own figures. Append new benchmarks to the list.
 */
const BENCHES = [
  './store-write.ts',
  './store-query.ts',
  './simulator.ts',
  './uniques-miss.ts',
  './report.ts',
  './sightings.ts',
  './planning.ts',
  './planning-page.ts',
  './probe.ts',
  './accounts.ts',
]

for (const b of BENCHES) {
  console.log(`\n=== bench/${b.slice(2)}`)
  const t0 = Date.now()
  await import(b)
  console.log(`=== bench/${b.slice(2)} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
}
