import type { SettleJournal, SettlementArtifact } from "../rules/artifact.js";

/** Where `settle` keeps its journal and artifacts. Writes must be atomic. */
export interface SettlementStore {
  readJournal(key: string): Promise<SettleJournal | undefined>;
  writeJournal(key: string, journal: SettleJournal): Promise<void>;
  readArtifact(key: string): Promise<SettlementArtifact | undefined>;
  /** Writes the artifact and returns where it lives (a path or a URL). */
  writeArtifact(key: string, artifact: SettlementArtifact): Promise<string>;
}

/** An in-memory store, for browsers and tests. */
export class MemorySettlementStore implements SettlementStore {
  readonly journals = new Map<string, SettleJournal>();
  readonly artifacts = new Map<string, SettlementArtifact>();

  async readJournal(key: string) {
    const j = this.journals.get(key);
    return j && (JSON.parse(JSON.stringify(j)) as SettleJournal);
  }
  async writeJournal(key: string, journal: SettleJournal) {
    this.journals.set(key, JSON.parse(JSON.stringify(journal)) as SettleJournal);
  }
  async readArtifact(key: string) {
    return this.artifacts.get(key);
  }
  async writeArtifact(key: string, artifact: SettlementArtifact) {
    this.artifacts.set(key, artifact);
    return `memory:${key}`;
  }
}
