/**
 * Deployments of the suite this package knows by chain id, as `tributary:deploy` writes them
 * (deploy/deployments/chain-<id>/deployment.json). Empty until a public network is deployed to;
 * local chains are read from a URL or a file instead.
 */
export const KNOWN_DEPLOYMENTS: Readonly<Record<string, Readonly<Record<string, string | number>>>> = {};
