/**
 * Contribution challenges (docs/disputes.md): challenging an Accepted contribution with a bond, the
 * validators' votes on it, and closing it.
 */
import { getAddress, type ContractRunner } from "ethers";
import { erc20At, type TributaryContracts } from "../chain/contracts.js";
import { requireSigner } from "../chain/signer.js";
import { send } from "../chain/transactions.js";
import { wrapCall } from "../chain/calls.js";
import { InvalidInputError, NotFoundError, SettlementError } from "../rules/errors.js";
import { requireAddress, requireBytes32 } from "../rules/validation.js";
import { ContributionChallenges__factory, type ContributionChallenges } from "../generated/typechain/index.js";

const CHALLENGE_STATUS_NAMES = ["none", "open", "upheld", "dismissed", "expired"] as const;
/** A challenge's status, by name. */
export type ChallengeStatusName = (typeof CHALLENGE_STATUS_NAMES)[number];

/** The suite's `ContributionChallenges`, bound to the suite's runner (or `runner`). */
export function contributionChallengesOf(
  tributary: TributaryContracts,
  runner?: ContractRunner,
): ContributionChallenges {
  const address = tributary.deployment.contributionChallenges;
  if (!address) {
    throw new InvalidInputError(
      "this deployment has no ContributionChallenges address: redeploy with `tributary:deploy`, or add `contributionChallenges` to the deployment file",
    );
  }
  return ContributionChallenges__factory.connect(
    requireAddress(address, "contribution challenges address"),
    runner ?? tributary.runner,
  );
}

/** One contribution challenge, as the chain holds it. */
export interface ContributionChallenge {
  challengeId: bigint;
  contributionId: bigint;
  contentHash: string;
  challenger: string;
  status: ChallengeStatusName;
  /** When it opened (unix seconds); votes are taken until `openedAt + VOTING_PERIOD`. */
  openedAt: bigint;
  closesAt: bigint;
  bondToken: string;
  bond: bigint;
  bounty: bigint;
  withdrawn: boolean;
}

/** A challenge with the evidence URI its `ChallengeOpened` event carries. */
export interface ContributionChallengeWithEvidence extends ContributionChallenge {
  evidenceUri: string;
}

/** Reads challenge `challengeId`. @throws {NotFoundError} no such challenge. */
export async function readChallenge(
  tributary: TributaryContracts,
  challengeId: bigint,
): Promise<ContributionChallenge> {
  const challenges = contributionChallengesOf(tributary);
  const [c, period] = await wrapCall(`read challenge ${challengeId}`, () =>
    Promise.all([challenges.challengeOf(challengeId), challenges.VOTING_PERIOD()]),
  );
  if (Number(c.status) === 0) throw new NotFoundError(`challenge ${challengeId} does not exist`);
  return {
    challengeId,
    contributionId: c.contributionId,
    contentHash: c.contentHash,
    challenger: getAddress(c.challenger),
    status: CHALLENGE_STATUS_NAMES[Number(c.status)]!,
    openedAt: c.openedAt,
    closesAt: c.openedAt + period,
    bondToken: getAddress(c.bondToken),
    bond: c.bond,
    bounty: c.bounty,
    withdrawn: c.withdrawn,
  };
}

/** Every challenge ever opened on contribution `contributionId`, oldest first. */
export async function challengesOfContribution(
  tributary: TributaryContracts,
  contributionId: bigint,
): Promise<ContributionChallengeWithEvidence[]> {
  const challenges = contributionChallengesOf(tributary);
  const logs = await wrapCall(`list the challenges of contribution ${contributionId}`, () =>
    challenges.queryFilter(
      challenges.filters.ChallengeOpened(undefined, contributionId),
      tributary.deployment.deployBlock,
    ),
  );
  return Promise.all(
    logs.map(async (log) => ({
      ...(await readChallenge(tributary, log.args.challengeId)),
      evidenceUri: log.args.evidenceUri,
    })),
  );
}

/** Parameters of {@link challengeContribution}. */
export interface ChallengeContributionParameters {
  /** The Accepted contribution, by content hash. */
  contentHash: string;
  /** Where the evidence is (for example the original work this one copies). */
  evidenceUri: string;
  /** Refuse to post a bond above this (bond-token base units). */
  maxBond?: bigint;
}

/**
 * Challenges an Accepted contribution with the current bond (approving the bond token if needed).
 * @example
 * const { challengeId } = await challengeContribution(tributary, { contentHash, evidenceUri: "https://…" });
 * @throws {InvalidInputError} a malformed hash, the bond exceeds `maxBond`, or no signer.
 * @throws {ContractRevertError} not Accepted, or a challenge of it is already open.
 */
export async function challengeContribution(
  tributary: TributaryContracts,
  parameters: ChallengeContributionParameters,
): Promise<{ challengeId: bigint; bond: bigint; transactionHash: string }> {
  const contentHash = requireBytes32(parameters.contentHash, "content hash");
  const signer = requireSigner(tributary);
  const challenges = contributionChallengesOf(tributary, signer);
  const [bond, tokenAddress] = await Promise.all([challenges.bondAmount(), challenges.bondToken()]);
  if (parameters.maxBond !== undefined && bond > parameters.maxBond) {
    throw new InvalidInputError(
      `the challenge bond is ${bond} of ${tokenAddress}, above the maximum of ${parameters.maxBond} you allowed`,
    );
  }
  const token = erc20At(tokenAddress, signer);
  if ((await token.allowance(await signer.getAddress(), await challenges.getAddress())) < bond) {
    await send("approve the challenge bond", () => token.approve(challenges.getAddress(), bond));
  }
  const receipt = await send(`challenge contribution ${contentHash}`, () =>
    challenges.challenge(contentHash, parameters.evidenceUri),
  );
  for (const log of receipt.logs) {
    const parsed = challenges.interface.parseLog(log);
    if (parsed?.name === "ChallengeOpened") {
      return {
        challengeId: parsed.args.challengeId as bigint,
        bond: parsed.args.bond as bigint,
        transactionHash: receipt.hash,
      };
    }
  }
  throw new SettlementError(`the challenge transaction ${receipt.hash} emitted no ChallengeOpened`);
}

/**
 * Votes on challenge `challengeId` with the signer's snapshot stake: `revoke` true to revoke the
 * contribution, false to keep it.
 * @throws {ContractRevertError} closed, already voted, own challenge or contribution, no stake at the snapshot.
 */
export async function voteOnChallenge(
  tributary: TributaryContracts,
  parameters: { challengeId: bigint; revoke: boolean },
): Promise<string> {
  const challenges = contributionChallengesOf(tributary, requireSigner(tributary));
  return (
    await send(`vote on challenge ${parameters.challengeId}`, () =>
      challenges.vote(parameters.challengeId, parameters.revoke),
    )
  ).hash;
}

/** Closes a challenge left undecided when its window closed (anyone); its bond becomes withdrawable. */
export async function expireChallenge(tributary: TributaryContracts, challengeId: bigint): Promise<string> {
  const challenges = contributionChallengesOf(tributary, requireSigner(tributary));
  return (await send(`expire challenge ${challengeId}`, () => challenges.expire(challengeId))).hash;
}

/** Pays the challenger its bond back, plus its bounty if upheld (anyone may call). */
export async function withdrawChallengeBond(tributary: TributaryContracts, challengeId: bigint): Promise<string> {
  const challenges = contributionChallengesOf(tributary, requireSigner(tributary));
  return (await send(`withdraw the bond of challenge ${challengeId}`, () => challenges.withdraw(challengeId))).hash;
}
