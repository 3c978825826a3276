// The worker thread of off-thread.ts, in plain JavaScript: it registers tsx in this thread
// (a worker does not inherit the loader), then runs the TypeScript worker.
import { register } from 'tsx/esm/api'

register()
await import('./assess-worker.ts')
