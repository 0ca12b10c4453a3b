/**
 * Checks `tributary:deploy`'s Ignition parameters against the bounds the contracts' constructors
 * enforce, so that a deployment with an out-of-range value fails before its first transaction rather
 * than halfway through. The bounds mirror the contracts' constants (test/client/cli.test.ts compares
 * them with a deployed suite).
 */
import { isAddress, ZeroAddress } from "ethers";

const HOUR = 3_600n;
const DAY = 86_400n;

/** The contracts' bounds, by constant name. */
export const DEPLOY_BOUNDS = {
  MIN_EPOCH_DURATION: 5n * 60n,
  MAX_EPOCH_DURATION: 30n * DAY,
  MIN_STAKE_LOWER: 1n,
  MIN_STAKE_UPPER: 10n ** 27n,
  MIN_UNBONDING_PERIOD: 7n * DAY,
  MAX_UNBONDING_PERIOD: 60n * DAY,
  MIN_QUORUM_BPS: 5_001n,
  MAX_QUORUM_BPS: 10_000n,
  MIN_VOTING_PERIOD: HOUR,
  /** `ValidatorStaking.MAX_VOTING_PERIOD`: the shortest unbonding, so voters' stake outlives a vote. */
  MAX_VOTING_PERIOD: 7n * DAY,
  MIN_COMMITMENT_MIN_AGE: 12n,
  MAX_COMMITMENT_MIN_AGE: HOUR,
  MIN_COMMITMENT_MAX_AGE: 2n * HOUR,
  MAX_COMMITMENT_MAX_AGE: 30n * DAY,
  MAX_PROTOCOL_FEE_BPS: 2_000n,
  MAX_VALIDATOR_SHARE_BPS: 5_000n,
  MIN_IDLE_REFUND_EPOCHS: 1n,
  MAX_IDLE_REFUND_EPOCHS: 366n,
  MIN_CHALLENGE_PERIOD: HOUR,
  MAX_CHALLENGE_PERIOD: 7n * DAY,
} as const;

/** The module's defaults (deploy/modules/Tributary.ts) for parameters a file may omit. */
const DEFAULTS: Record<string, bigint> = {
  epochDuration: DAY,
  minStake: 100n * 10n ** 18n,
  unbondingPeriod: 7n * DAY,
  quorumBps: 6_667n,
  votingPeriod: 3n * DAY,
  commitmentMinAge: 60n,
  commitmentMaxAge: DAY,
  protocolFeeBps: 500n,
  validatorShareBps: 1_000n,
  idleRefundEpochs: 4n,
  challengePeriod: HOUR,
};

const ADDRESS_KEYS = ["treasury", "stakeToken", "rewardToken"] as const;

/** Seconds as `1 h`, `7 d`, `300 s`. */
function seconds(value: bigint): string {
  if (value % DAY === 0n) return `${value / DAY} d`;
  if (value % HOUR === 0n) return `${value / HOUR} h`;
  if (value % 60n === 0n) return `${value / 60n} min`;
  return `${value} s`;
}

export interface CheckedParameters {
  /** The parameters to pass to Ignition: whole numbers as bigints, addresses as given. */
  values: Record<string, string | bigint>;
  /** One line per problem; empty when every parameter is within the contracts' bounds. */
  problems: string[];
}

/**
 * Checks `own` (the module's parameters from `file`); `demoTokens` says the module deploys its own
 * tokens, so `stakeToken` and `rewardToken` are neither needed nor allowed.
 */
export function checkDeployParameters(
  own: Record<string, unknown>,
  options: { file: string; moduleId: string; demoTokens: boolean },
): CheckedParameters {
  const { file, moduleId, demoTokens } = options;
  const name = (key: string) => `${file}: ${moduleId}.${key}`;
  const problems: string[] = [];
  const values: Record<string, string | bigint> = {};
  const known = new Set([...Object.keys(DEFAULTS), "genesis", ...ADDRESS_KEYS]);
  for (const key of Object.keys(own)) {
    if (!known.has(key)) {
      problems.push(`${name(key)} is not a parameter of the suite (known: ${[...known].sort().join(", ")})`);
    }
  }

  for (const key of demoTokens ? (["treasury"] as const) : ADDRESS_KEYS) {
    const value = String(own[key] ?? "");
    if (!isAddress(value) || value === ZeroAddress) {
      problems.push(`${file}: set ${moduleId}.${key} to a nonzero address (got "${value}")`);
    } else values[key] = value;
  }
  if (demoTokens) {
    for (const key of ["stakeToken", "rewardToken"] as const) {
      if (own[key] !== undefined) {
        problems.push(`${name(key)} is set, but --demo-tokens deploys its own tokens; remove it or drop --demo-tokens`);
      }
    }
  }
  const treasury = String(values.treasury ?? "").toLowerCase();
  for (const key of ["stakeToken", "rewardToken"] as const) {
    if (treasury !== "" && String(values[key] ?? "").toLowerCase() === treasury) {
      problems.push(`${name("treasury")} must not be the ${key}: fees paid to a token contract would be stuck`);
    }
  }

  const whole = (key: string): bigint | undefined => {
    const raw = own[key];
    if (raw === undefined) return DEFAULTS[key];
    const text = typeof raw === "number" || typeof raw === "string" ? String(raw).trim() : "";
    if (!/^\d+$/.test(text) || (typeof raw === "number" && !Number.isSafeInteger(raw))) {
      problems.push(`${name(key)} must be a whole number, got ${JSON.stringify(raw)}`);
      return undefined;
    }
    values[key] = BigInt(text);
    return BigInt(text);
  };
  const within = (key: string, low: bigint, high: bigint, unit: string, why = "") => {
    const value = whole(key);
    if (value === undefined) return undefined;
    if (value < low || value > high) {
      const show = (v: bigint) => (unit === "seconds" ? `${v} (${seconds(v)})` : String(v));
      problems.push(
        `${name(key)} must be a whole number of ${unit} from ${show(low)} to ${show(high)}${why}, got "${value}"`,
      );
      return undefined;
    }
    return value;
  };
  const b = DEPLOY_BOUNDS;

  if (own.genesis === undefined || own.genesis === "now") values.genesis = "now";
  else if (/^\d+$/.test(String(own.genesis).trim())) values.genesis = BigInt(String(own.genesis).trim());
  else problems.push(`${name("genesis")} must be "now" or a unix time in seconds, got ${JSON.stringify(own.genesis)}`);

  // The distributor needs room for two of the shortest challenge periods in an epoch.
  const epochDuration = within(
    "epochDuration",
    2n * b.MIN_CHALLENGE_PERIOD,
    b.MAX_EPOCH_DURATION,
    "seconds",
    " (at least two of the shortest challenge periods)",
  );
  within("minStake", b.MIN_STAKE_LOWER, b.MIN_STAKE_UPPER, "base units of the stake token");
  within("unbondingPeriod", b.MIN_UNBONDING_PERIOD, b.MAX_UNBONDING_PERIOD, "seconds");
  within("quorumBps", b.MIN_QUORUM_BPS, b.MAX_QUORUM_BPS, "basis points", " (a strict majority of stake)");
  within(
    "votingPeriod",
    b.MIN_VOTING_PERIOD,
    b.MAX_VOTING_PERIOD,
    "seconds",
    " (the shortest unbonding period, so a voter's stake outlives the vote)",
  );
  within("commitmentMinAge", b.MIN_COMMITMENT_MIN_AGE, b.MAX_COMMITMENT_MIN_AGE, "seconds");
  within("commitmentMaxAge", b.MIN_COMMITMENT_MAX_AGE, b.MAX_COMMITMENT_MAX_AGE, "seconds");
  within("protocolFeeBps", 0n, b.MAX_PROTOCOL_FEE_BPS, "basis points");
  within("validatorShareBps", 0n, b.MAX_VALIDATOR_SHARE_BPS, "basis points");
  within(
    "idleRefundEpochs",
    b.MIN_IDLE_REFUND_EPOCHS,
    b.MAX_IDLE_REFUND_EPOCHS,
    "epochs",
    " (idle epochs before a dapp pool is refunded to its owner)",
  );
  const maxChallenge =
    epochDuration === undefined
      ? b.MAX_CHALLENGE_PERIOD
      : epochDuration / 2n < b.MAX_CHALLENGE_PERIOD
        ? epochDuration / 2n
        : b.MAX_CHALLENGE_PERIOD;
  within(
    "challengePeriod",
    b.MIN_CHALLENGE_PERIOD,
    maxChallenge,
    "seconds",
    epochDuration !== undefined && maxChallenge < b.MAX_CHALLENGE_PERIOD ? " (at most half an epoch)" : "",
  );
  return { values, problems };
}
