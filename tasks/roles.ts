/**
 * Role tasks: every user action of contributors, curators, validators, dapps and governance, plus
 * demo-token minting and moving a local dev chain's clock. Each signs with the account `--from`
 * names (an index into the network's accounts, or one of their addresses; default 0, the first).
 */
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";
import { compiledAction } from "./prepare.js";

const string = <N extends string>(name: N, description: string, defaultValue = "") =>
  ({ name, description, type: ArgumentType.STRING, defaultValue }) as const;
// Actions load lazily: importing them here would load the client (and its generated types) first.
const deployment = string(
  "deployment",
  "Deployment descriptor (default: deploy/deployments/chain-<chainId>/tributary.json)",
);
const from = string(
  "from",
  "Signing account: an index into the network's accounts (0 = the first) or one of their addresses",
  "0",
);
const contract = string("contract", "Which contract: registry, ledger, distributor, staking, or all", "all");
const governedContract = string(
  "contract",
  "Which contract: registry, ledger, distributor, staking, disputes, challenges, or all",
  "all",
);

export const roleTasks = [
  // Validators
  task("tributary:stake", "Bond stake tokens as a validator (approving them first)")
    .addOption(string("amount", "Stake to bond, in whole stake tokens, e.g. 1000 or 12.5"))
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/stake.js")))
    .build(),
  task("tributary:unstake", "Request to unbond stake; it is withdrawable after the unbonding period")
    .addOption(string("amount", "Bonded stake to start unbonding, in whole stake tokens"))
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/unstake.js")))
    .build(),
  task("tributary:withdraw", "Withdraw stake whose unbonding period has passed")
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/withdrawStake.js")))
    .build(),
  task("tributary:vote", "Vote on a Pending contribution with the validator's stake at its snapshot")
    .addOption(string("hash", "The contribution's content hash (or use --id)"))
    .addOption(string("id", "The contribution's id (or use --hash)"))
    .addFlag({ name: "accept", description: "Vote to accept" })
    .addFlag({ name: "reject", description: "Vote to reject" })
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/vote.js")))
    .build(),
  task("tributary:propose", "Propose an attribution batch from a JSON or CSV file of records")
    .addOption(
      string(
        "records",
        "Records file: .json (array of { outputId, poolId, value, vector }) or CSV with header outputId,poolId,value,vector",
      ),
    )
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/propose.js")))
    .build(),
  task("tributary:attest", "Attest (--support) or reject (--reject) a Pending attribution batch")
    .addOption(string("batch", "The batch id"))
    .addFlag({ name: "support", description: "Attest the batch" })
    .addFlag({ name: "reject", description: "Reject the batch" })
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/attest.js")))
    .build(),
  // Curators and contributors
  task("tributary:create-datanet", "Create a datanet curated by the signing account")
    .addOption(string("uri", "The datanet's metadata URI"))
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/createDatanet.js")))
    .build(),
  task(
    "tributary:register",
    "Register a file, every file of a directory (in batches), or a list of content hashes (commit, then reveal)",
  )
    .addOption(string("datanet", "Datanet to register in"))
    .addOption(string("path", "A file, or a directory whose files are each registered (hashed with hashFileBytes)"))
    .addOption(string("list", "A text file with one `<content hash> [<uri>]` a line"))
    .addOption(string("uriPrefix", "With --path: each URI is this prefix followed by the file's name or relative path"))
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/register.js")))
    .build(),
  task("tributary:set-recipient", "Make the signing account's claims of a token pay another address, or reset it")
    .addOption(string("token", "Listed token, by address or symbol"))
    .addOption(string("recipient", "Address later claims pay"))
    .addFlag({ name: "reset", description: "Pay the account itself again" })
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/setRecipient.js")))
    .build(),
  // Disputers
  task("tributary:dispute", "Dispute the pending settlement with a bond (or join its open dispute); it freezes it")
    .addOption(string("epoch", "Epoch of the pending settlement (default: the latest)"))
    .addOption(string("evidence", "Where your evidence is, as a URI (e.g. your recomputed artifact)"))
    .addOption(string("maxBond", "Refuse if the bond exceeds this, in whole bond tokens"))
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/dispute.js")))
    .build(),
  task("tributary:withdraw-bond", "Pay a disputer its bond back (and bounty), expiring an overdue dispute first")
    .addOption(string("dispute", "The dispute's id"))
    .addOption(string("disputer", "Whose bond (default: the signing account)"))
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/withdrawBond.js")))
    .build(),
  task("tributary:challenge", "Challenge an Accepted contribution with a bond")
    .addOption(string("hash", "The contribution's content hash"))
    .addOption(string("evidence", "Where your evidence is, as a URI"))
    .addOption(string("maxBond", "Refuse if the bond exceeds this, in whole bond tokens"))
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/challenge.js")))
    .build(),
  task("tributary:challenge-vote", "Vote to revoke (--revoke) or keep (--keep) a challenged contribution")
    .addOption(string("challenge", "The challenge's id"))
    .addFlag({ name: "revoke", description: "Vote to revoke the contribution" })
    .addFlag({ name: "keep", description: "Vote to keep the contribution" })
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/challengeVote.js")))
    .build(),
  task("tributary:close-challenge", "Expire an undecided challenge whose window closed, and pay its bond back")
    .addOption(string("challenge", "The challenge's id"))
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/closeChallenge.js")))
    .build(),
  // Governance
  task("tributary:resolve-dispute", "Uphold (--uphold) or reject (--reject) an open settlement dispute (governance)")
    .addOption(string("dispute", "The dispute's id"))
    .addFlag({ name: "uphold", description: "Uphold: drop the settlement and slash its signers" })
    .addFlag({ name: "reject", description: "Reject: activate the settlement; the bonds go to the treasury" })
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/resolveDispute.js")))
    .build(),
  task("tributary:veto", "Veto an epoch's pending settlement (governance)")
    .addOption(string("epoch", "Epoch whose pending settlement to veto"))
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/veto.js")))
    .build(),
  task("tributary:pause", "Pause one contract or all of them (governance)")
    .addOption(contract)
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/pause.js")))
    .build(),
  task("tributary:unpause", "Unpause one contract or all of them (governance)")
    .addOption(contract)
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/unpause.js")))
    .build(),
  task("tributary:governance-begin", "Begin transferring governance (2-day delay), showing when it can be accepted")
    .addOption(string("to", "The new governance address"))
    .addOption(governedContract)
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/governanceBegin.js")))
    .build(),
  task("tributary:governance-accept", "Accept a pending governance transfer, as the new governance")
    .addOption(governedContract)
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/governanceAccept.js")))
    .build(),
  task("tributary:governance-cancel", "Cancel a pending governance transfer (governance)")
    .addOption(governedContract)
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/governanceCancel.js")))
    .build(),
  // Local development
  task("tributary:mint", "Mint a demo token (deployed with --demo-tokens) to an account")
    .addOption(string("token", "Demo token, by address or symbol (TSTK, TRWD, TUSD, TSRC)"))
    .addOption(string("amount", "Amount in whole tokens, e.g. 1000 or 12.5"))
    .addOption(string("to", "Recipient (default: the --from account)"))
    .addOption(from)
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/mint.js")))
    .build(),
  task("tributary:time", "Move a local dev chain's clock forward and mine a block (chain 31337 on loopback only)")
    .addOption(string("advance", "Duration: seconds (3600) or 90m, 3h, 1d, 1d12h"))
    .setAction(compiledAction(() => import("./actions/time.js")))
    .build(),
];
