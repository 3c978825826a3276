/** The worker thread of off-thread.ts: assesses the plan it is given and posts it back. */
import { parentPort, workerData } from 'node:worker_threads'
import { assessPlan } from './index.ts'

try {
  parentPort!.postMessage({ plan: assessPlan(workerData) })
} catch (err) {
  parentPort!.postMessage({ error: (err as Error).message })
}
