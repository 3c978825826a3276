/**
 * A backup or restore that cannot go on: the message names the dir or file and what is
 * wrong with it. The CLI prints it and exits 1; nothing stored has been changed.
 */
export class BackupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'BackupError'
  }
}

/** A backup was asked for while one is being made (the schedule, the API or the CLI). */
export class BackupBusyError extends BackupError {
  constructor(dir: string) {
    super(`a backup into ${dir} is being made already: try again when it is done`)
    this.name = 'BackupBusyError'
  }
}
