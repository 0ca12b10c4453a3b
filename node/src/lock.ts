/** One process per data directory: the node, or a tool working on its database. */
import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { ConfigError } from "./config.js";

/** One node per data directory: a lock file holding the pid, taken over when that process is gone. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, "node.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number((await readFile(file, "utf8").catch(() => "")).trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new ConfigError(`dataDir ${dataDir} is in use by process ${pid} (${file})`);
      }
      await rm(file, { force: true });
    }
  }
  throw new ConfigError(`cannot lock dataDir ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
