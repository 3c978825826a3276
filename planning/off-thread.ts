/**
 * assessPlan on a worker thread, so the seconds of geometry (2.5 s for Hartford, a minute
 * for 10,000 APs: docs/PERFORMANCE.md) never stall the API's event loop: the status page,
 * the map and every other request keep answering while a plan is assessed. The input and
 * the answer cross by structured clone (plain data and a Map). The worker runs the same
 * TypeScript through tsx, as the rest of the process does.
 */
import { Worker } from 'node:worker_threads'
import type { AssessedPlan, PlanInput } from './index.ts'

export function assessPlanOffThread(input: Omit<PlanInput, 'nowMs' | 'cityEstimate'>): Promise<AssessedPlan> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./assess-worker.mjs', import.meta.url), { workerData: input })
    let done = false
    worker.once('message', (m: { plan?: AssessedPlan; error?: string }) => {
      done = true
      if (m.plan) resolve(m.plan)
      else reject(new Error(m.error ?? 'the planning worker gave no answer'))
    })
    worker.once('error', (err) => {
      done = true
      reject(err)
    })
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`the planning worker exited (${code}) without an answer`))
    })
  })
}
