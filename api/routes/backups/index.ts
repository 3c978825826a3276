/**
 * Backups made by the running process, for admins: on the embedded store only the process
 * that holds metrics.duckdb can copy it, so `civicnet backup --url` asks here.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { BackupBusyError, type BackupService } from '../../../backup/index.ts'
import { ADMIN } from '../../auth/guard.ts'
import { CN_ERR_BACKUP_RUNNING, CN_ERR_BACKUP_UNAVAILABLE } from '../../errors.ts'
import { EpochMs, ErrorBody } from '../../schemas.ts'

const errors = { 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, 500: ErrorBody }

const Made = Type.Object(
  {
    dir: Type.String({ description: 'the backup dir on the server' }),
    bytes: Type.Integer({ description: 'size of its files, manifest included' }),
    durationMs: Type.Integer(),
    createdMs: EpochMs,
    store: Type.Union([Type.Literal('duckdb'), Type.Literal('influxdb')], { description: 'influxdb: the app state only; the metrics are the database\'s own backup' }),
    files: Type.Array(Type.Object({ name: Type.String(), bytes: Type.Integer(), sha256: Type.String() }, { additionalProperties: false })),
    counts: Type.Object(
      { incidents: Type.Integer(), reportRuns: Type.Integer(), samples: Type.Union([Type.Integer(), Type.Null()]), pendingSpoolFiles: Type.Integer() },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

const backups: FastifyPluginAsyncTypebox<{ service: BackupService | null }> = async (app, opts) => {
  app.post('', {
    config: { roles: ADMIN },
    schema: {
      tags: ['backups'],
      summary: "Makes a backup now into the server's CIVICNET_BACKUP_DIR, verifies it and keeps the last CIVICNET_BACKUP_KEEP",
      security: [{ bearer: [] }],
      response: { 201: Made, ...errors },
    },
  }, async (_request, reply) => {
    if (!opts.service) throw new CN_ERR_BACKUP_UNAVAILABLE()
    try {
      const made = await opts.service.run('api')
      const m = made.manifest
      return reply.code(201).send({
        dir: made.dir, bytes: made.bytes, durationMs: made.durationMs, createdMs: m.createdMs, store: m.metrics.kind, files: m.files, counts: m.counts,
      })
    } catch (err) {
      if (err instanceof BackupBusyError) throw new CN_ERR_BACKUP_RUNNING(err.message)
      throw err
    }
  })
}

export default backups
