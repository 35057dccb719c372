// `lanes backup <file>`: a consistent online copy of the SQLite store while Lanes runs, through SQLite's
// backup API (better-sqlite3's `backup`), so it works in the runtime image, which has no sqlite3 binary. The
// copy is a complete database (WAL content included) that a restore puts in place of lanes.db. PostgreSQL
// stores are backed up with pg_dump (docs/operations.md): asked with DATABASE_URL set, the command says so.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';

function fail(message: string, code: number): void {
  process.stderr.write(`lanes backup: ${message}\n`);
  process.exitCode = code;
}

export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .argument('<file>', 'where to write the copy (a new file; e.g. /data/backup/lanes-2026-12-02.db)')
    .option('--data <dir>', 'SQLite data directory (LANES_DATA_DIR, default .lanes-data)')
    .option('--force', 'overwrite <file> if it exists')
    .description('copy the SQLite store consistently while Lanes runs (PostgreSQL: pg_dump)')
    .action(async (file: string, opts: { data?: string; force?: boolean }) => {
      if (process.env.DATABASE_URL)
        return fail('DATABASE_URL is set: back PostgreSQL up with pg_dump (docs/operations.md)', 2);
      // Loaded here, not at start: only commands that open a SQLite store load the native binding.
      const { SQLITE_FILE } = await import('../store/sqlite-store.ts');
      const source = path.join(opts.data ?? process.env.LANES_DATA_DIR ?? '.lanes-data', SQLITE_FILE);
      if (!existsSync(source)) return fail(`no store at ${source} (pass --data or set LANES_DATA_DIR)`, 2);
      if (existsSync(file) && opts.force !== true)
        return fail(`${file} exists; pass --force to overwrite it`, 2);
      const { default: Database } = await import('better-sqlite3');
      // Read-only: the copy never writes to the live store; the running server keeps writing meanwhile.
      const db = new Database(source, { readonly: true, fileMustExist: true });
      try {
        const r = await db.backup(file);
        process.stdout.write(`backed up ${source} to ${file} (${r.totalPages} pages)\n`);
      } catch (e) {
        fail(`cannot write ${file}: ${e instanceof Error ? e.message : String(e)}`, 1);
      } finally {
        db.close();
      }
    });
}
