// Drives a mock-codeartifact server with the AWS SDK for JavaScript v3 over every CodeArtifact operation,
// checking the values it returns and the modeled errors it raises. tests/test_js_sdk.py runs it:
//   MOCK_CODEARTIFACT_ENDPOINT=http://127.0.0.1:PORT node tests/js/conformance.mjs
// It prints one JSON line: the operations it called and the error classes it saw; any failed check exits 1.
import * as ca from "@aws-sdk/client-codeartifact";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";

const endpoint = process.env.MOCK_CODEARTIFACT_ENDPOINT;
if (!endpoint) throw new Error("MOCK_CODEARTIFACT_ENDPOINT is not set");
const OWNER = "123456789012";
const GUEST_ROLE = "arn:aws:iam::111122223333:role/js-guest";
const D = "js-domain";
const R = "js-repo";
const UP = "js-upstream";
const REGION = "us-east-1";
const ARN = `arn:aws:codeartifact:${REGION}:${OWNER}`;

function makeClient(principal) {
  const client = new ca.CodeartifactClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    maxAttempts: 1,
  });
  if (principal) {
    // The server's documented header for "this request is made by that principal" (docs/authorization.md).
    client.middlewareStack.add(
      (next) => async (args) => {
        args.request.headers["x-mock-codeartifact-principal"] = principal;
        return next(args);
      },
      { step: "build", name: "mockPrincipal" },
    );
  }
  return client;
}

const client = makeClient();
const guest = makeClient(GUEST_ROLE);
const called = new Set();
const errors = new Set();

async function call(operation, input, on = client) {
  const output = await on.send(new ca[`${operation}Command`](input));
  called.add(operation);
  assert.equal(output.$metadata.httpStatusCode, 200, `${operation}: HTTP status`);
  assert.ok(output.$metadata.requestId, `${operation}: a request id`);
  return output;
}

async function fails(operation, input, name, status, on = client) {
  try {
    await on.send(new ca[`${operation}Command`](input));
  } catch (error) {
    assert.equal(error.name, name, `${operation}: ${error.name}: ${error.message}`);
    assert.ok(error instanceof ca[name], `${operation}: an instance of the SDK's ${name}`);
    assert.ok(error instanceof ca.CodeartifactServiceException, `${operation}: a CodeartifactServiceException`);
    assert.equal(error.$metadata.httpStatusCode, status, `${operation}: HTTP status of ${name}`);
    assert.ok(error.message, `${operation}: ${name} carries a message`);
    called.add(operation);
    errors.add(name);
    return error;
  }
  assert.fail(`${operation} should have failed with ${name}`);
}

const sha256 = (data) => createHash("sha256").update(data).digest("hex");
const pkg = { domain: D, repository: R, format: "generic", namespace: "ns", package: "tool" };

// ------------------------------------------------------------------------------------------------ domains
const created = await call("CreateDomain", { domain: D, tags: [{ key: "team", value: "js" }] });
assert.equal(created.domain.name, D);
assert.equal(created.domain.owner, OWNER);
assert.equal(created.domain.arn, `${ARN}:domain/${D}`);
assert.equal(created.domain.status, "Active");
assert.ok(created.domain.createdTime instanceof Date);
await fails("CreateDomain", { domain: D }, "ConflictException", 409);
await fails("CreateDomain", { domain: "Not_Valid" }, "ValidationException", 400);
const described = await call("DescribeDomain", { domain: D, domainOwner: OWNER });
assert.equal(described.domain.repositoryCount, 0);
assert.equal(described.domain.assetSizeBytes, 0);
await fails("DescribeDomain", { domain: "no-such-domain" }, "ResourceNotFoundException", 404);
assert.deepEqual(
  (await call("ListDomains", {})).domains.map((d) => d.name),
  [D],
);

// ------------------------------------------------------------------------------------------------ repositories
await call("CreateRepository", { domain: D, repository: UP, description: "the upstream" });
const repo = await call("CreateRepository", {
  domain: D,
  repository: R,
  description: "from JavaScript",
  upstreams: [{ repositoryName: UP }],
  tags: [{ key: "team", value: "js" }],
});
assert.equal(repo.repository.arn, `${ARN}:repository/${D}/${R}`);
assert.deepEqual(repo.repository.upstreams, [{ repositoryName: UP }]);
assert.equal(repo.repository.domainOwner, OWNER);
await fails("CreateRepository", { domain: D, repository: R }, "ConflictException", 409);
assert.equal((await call("DescribeRepository", { domain: D, repository: R })).repository.description, "from JavaScript");
await fails("DescribeRepository", { domain: D, repository: "ghost" }, "ResourceNotFoundException", 404);
assert.equal(
  (await call("UpdateRepository", { domain: D, repository: R, description: "updated" })).repository.description,
  "updated",
);
assert.deepEqual((await call("ListRepositories", {})).repositories.map((r) => r.name).sort(), [R, UP]);
const inDomain = [];
for await (const page of ca.paginateListRepositoriesInDomain({ client, pageSize: 1 }, { domain: D })) {
  called.add("ListRepositoriesInDomain");
  assert.ok(page.repositories.length <= 1);
  inDomain.push(...page.repositories.map((r) => r.name));
}
assert.deepEqual(inDomain.sort(), [R, UP]);
const associated = await call("AssociateExternalConnection", {
  domain: D,
  repository: UP,
  externalConnection: "public:npmjs",
});
assert.equal(associated.repository.externalConnections[0].externalConnectionName, "public:npmjs");
assert.equal(associated.repository.externalConnections[0].packageFormat, "npm");
const disassociated = await call("DisassociateExternalConnection", {
  domain: D,
  repository: UP,
  externalConnection: "public:npmjs",
});
assert.deepEqual(disassociated.repository.externalConnections ?? [], []);
const npmEndpoint = await call("GetRepositoryEndpoint", { domain: D, repository: R, format: "npm" });
assert.ok(npmEndpoint.repositoryEndpoint.startsWith(endpoint), npmEndpoint.repositoryEndpoint);
assert.ok(npmEndpoint.repositoryEndpoint.endsWith(`/npm/${R}/`), npmEndpoint.repositoryEndpoint);
const token = await call("GetAuthorizationToken", { domain: D, durationSeconds: 900 });
assert.ok(token.authorizationToken.length > 20);
assert.ok(token.expiration instanceof Date && token.expiration > new Date());

// ------------------------------------------------------------------------------------------------ packages
const content = new TextEncoder().encode("bytes from the JavaScript SDK");
await fails(
  "PublishPackageVersion",
  { ...pkg, packageVersion: "1.0.0", assetContent: content, assetName: "tool.bin", assetSHA256: "0".repeat(64) },
  "ValidationException",
  400,
);
const published = await call("PublishPackageVersion", {
  ...pkg,
  packageVersion: "1.0.0",
  assetContent: content,
  assetName: "tool.bin",
  assetSHA256: sha256(content),
});
assert.equal(published.status, "Published");
assert.equal(published.version, "1.0.0");
assert.equal(published.asset.name, "tool.bin");
assert.equal(published.asset.size, content.length);
assert.equal(published.asset.hashes["SHA-256"], sha256(content));
const described_package = await call("DescribePackage", pkg);
assert.equal(described_package.package.name, "tool");
assert.equal(described_package.package.originConfiguration.restrictions.publish, "ALLOW");
assert.deepEqual(
  (await call("ListPackages", { domain: D, repository: R })).packages.map((p) => [p.format, p.namespace, p.package]),
  [["generic", "ns", "tool"]],
);
const versions = await call("ListPackageVersions", pkg);
assert.deepEqual(
  versions.versions.map((v) => [v.version, v.status]),
  [["1.0.0", "Published"]],
);
assert.equal(versions.versions[0].origin.originType, "INTERNAL");
const version = await call("DescribePackageVersion", { ...pkg, packageVersion: "1.0.0" });
assert.equal(version.packageVersion.status, "Published");
assert.ok(version.packageVersion.publishedTime instanceof Date);
await fails("DescribePackageVersion", { ...pkg, packageVersion: "9.9.9" }, "ResourceNotFoundException", 404);
const assets = await call("ListPackageVersionAssets", { ...pkg, packageVersion: "1.0.0" });
assert.deepEqual(
  assets.assets.map((a) => [a.name, a.size]),
  [["tool.bin", content.length]],
);
const asset = await call("GetPackageVersionAsset", { ...pkg, packageVersion: "1.0.0", asset: "tool.bin" });
assert.deepEqual(await asset.asset.transformToByteArray(), content);
assert.equal(asset.assetName, "tool.bin");
assert.equal(asset.packageVersion, "1.0.0");
assert.ok(asset.packageVersionRevision);
const dependencies = await call("ListPackageVersionDependencies", { ...pkg, packageVersion: "1.0.0" });
assert.deepEqual(dependencies.dependencies, []);
assert.equal(dependencies.version, "1.0.0");
const readme = await call("GetPackageVersionReadme", { ...pkg, packageVersion: "1.0.0" });
assert.equal(readme.version, "1.0.0");
assert.equal(readme.package, "tool");
const origin = await call("PutPackageOriginConfiguration", {
  ...pkg,
  restrictions: { publish: "BLOCK", upstream: "ALLOW" },
});
assert.deepEqual(origin.originConfiguration.restrictions, { publish: "BLOCK", upstream: "ALLOW" });
const copied = await call("CopyPackageVersions", {
  domain: D,
  sourceRepository: R,
  destinationRepository: UP,
  format: "generic",
  namespace: "ns",
  package: "tool",
  versions: ["1.0.0"],
});
assert.equal(copied.successfulVersions["1.0.0"].status, "Published");
assert.deepEqual(copied.failedVersions, {});
const unlisted = await call("UpdatePackageVersionsStatus", {
  ...pkg,
  versions: ["1.0.0"],
  targetStatus: "Unlisted",
});
assert.equal(unlisted.successfulVersions["1.0.0"].status, "Unlisted");
const disposed = await call("DisposePackageVersions", { ...pkg, repository: UP, versions: ["1.0.0"] });
assert.equal(disposed.successfulVersions["1.0.0"].status, "Disposed");
const deletedVersions = await call("DeletePackageVersions", { ...pkg, repository: UP, versions: ["1.0.0"] });
assert.equal(deletedVersions.successfulVersions["1.0.0"].status, "Deleted");
const deletedPackage = await call("DeletePackage", { ...pkg, repository: UP });
assert.equal(deletedPackage.deletedPackage.package, "tool");
await fails("DescribePackage", { ...pkg, repository: UP }, "ResourceNotFoundException", 404);

// ------------------------------------------------------------------------------------------------ package groups
const group = await call("CreatePackageGroup", {
  domain: D,
  packageGroup: "/generic/ns/*",
  description: "ns tools",
  contactInfo: "js@example.com",
});
assert.equal(group.packageGroup.pattern, "/generic/ns/*");
assert.equal(group.packageGroup.arn, `${ARN}:package-group/${D}/generic/ns/%2a`);
await fails("CreatePackageGroup", { domain: D, packageGroup: "/generic/ns/*" }, "ConflictException", 409);
assert.equal(
  (await call("DescribePackageGroup", { domain: D, packageGroup: "/generic/ns/*" })).packageGroup.contactInfo,
  "js@example.com",
);
assert.equal(
  (await call("UpdatePackageGroup", { domain: D, packageGroup: "/generic/ns/*", description: "changed" }))
    .packageGroup.description,
  "changed",
);
const restricted = await call("UpdatePackageGroupOriginConfiguration", {
  domain: D,
  packageGroup: "/generic/ns/*",
  restrictions: { PUBLISH: "ALLOW_SPECIFIC_REPOSITORIES" },
  addAllowedRepositories: [{ repositoryName: R, originRestrictionType: "PUBLISH" }],
});
assert.equal(restricted.packageGroup.originConfiguration.restrictions.PUBLISH.mode, "ALLOW_SPECIFIC_REPOSITORIES");
assert.deepEqual(restricted.allowedRepositoryUpdates.PUBLISH.ADDED, [R]);
assert.deepEqual(
  (
    await call("ListAllowedRepositoriesForGroup", {
      domain: D,
      packageGroup: "/generic/ns/*",
      originRestrictionType: "PUBLISH",
    })
  ).allowedRepositories,
  [R],
);
assert.deepEqual(
  (await call("ListPackageGroups", { domain: D })).packageGroups.map((g) => g.pattern).sort(),
  ["/*", "/generic/ns/*"],
);
assert.deepEqual(
  (await call("ListSubPackageGroups", { domain: D, packageGroup: "/*" })).packageGroups.map((g) => g.pattern),
  ["/generic/ns/*"],
);
const associatedGroup = await call("GetAssociatedPackageGroup", {
  domain: D,
  format: "generic",
  namespace: "ns",
  package: "tool",
});
assert.equal(associatedGroup.packageGroup.pattern, "/generic/ns/*");
assert.equal(associatedGroup.associationType, "STRONG");
assert.deepEqual(
  (await call("ListAssociatedPackages", { domain: D, packageGroup: "/generic/ns/*" })).packages.map((p) => p.package),
  ["tool"],
);
assert.equal(
  (await call("DeletePackageGroup", { domain: D, packageGroup: "/generic/ns/*" })).packageGroup.pattern,
  "/generic/ns/*",
);

// ------------------------------------------------------------------------------------------------ policies
await fails("DescribeDomain", { domain: D, domainOwner: OWNER }, "AccessDeniedException", 403, guest);
const domainPolicy = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { AWS: GUEST_ROLE }, Action: "codeartifact:DescribeDomain", Resource: "*" },
  ],
});
const putDomain = await call("PutDomainPermissionsPolicy", { domain: D, policyDocument: domainPolicy });
assert.equal(putDomain.policy.resourceArn, `${ARN}:domain/${D}`);
assert.equal(putDomain.policy.document, domainPolicy);
assert.equal((await call("DescribeDomain", { domain: D, domainOwner: OWNER }, guest)).domain.name, D);
await fails("PutDomainPermissionsPolicy", { domain: D, policyDocument: "{not json" }, "ValidationException", 400);
await fails(
  "PutDomainPermissionsPolicy",
  { domain: D, policyDocument: domainPolicy, policyRevision: "stale" },
  "ConflictException",
  409,
);
const gotDomain = await call("GetDomainPermissionsPolicy", { domain: D });
assert.equal(gotDomain.policy.revision, putDomain.policy.revision);
await call("DeleteDomainPermissionsPolicy", { domain: D });
await fails("GetDomainPermissionsPolicy", { domain: D }, "ResourceNotFoundException", 404);
await fails("DescribeDomain", { domain: D, domainOwner: OWNER }, "AccessDeniedException", 403, guest);
const repoPolicy = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "codeartifact:ReadFromRepository" }],
});
const putRepo = await call("PutRepositoryPermissionsPolicy", { domain: D, repository: R, policyDocument: repoPolicy });
assert.equal(putRepo.policy.resourceArn, `${ARN}:repository/${D}/${R}`);
assert.equal((await call("GetRepositoryPermissionsPolicy", { domain: D, repository: R })).policy.document, repoPolicy);
assert.equal(
  (await call("DeleteRepositoryPermissionsPolicy", { domain: D, repository: R })).policy.document,
  repoPolicy,
);
await fails("GetRepositoryPermissionsPolicy", { domain: D, repository: R }, "ResourceNotFoundException", 404);

// ------------------------------------------------------------------------------------------------ tags
const repoArn = `${ARN}:repository/${D}/${R}`;
await call("TagResource", { resourceArn: repoArn, tags: [{ key: "stage", value: "test" }] });
assert.deepEqual(
  (await call("ListTagsForResource", { resourceArn: repoArn })).tags.sort((a, b) => a.key.localeCompare(b.key)),
  [
    { key: "stage", value: "test" },
    { key: "team", value: "js" },
  ],
);
await call("UntagResource", { resourceArn: repoArn, tagKeys: ["team"] });
assert.deepEqual((await call("ListTagsForResource", { resourceArn: repoArn })).tags, [{ key: "stage", value: "test" }]);
await fails("TagResource", { resourceArn: repoArn, tags: [{ key: "k".repeat(129), value: "v" }] }, "ValidationException", 400);

// ------------------------------------------------------------------------------------------------ clean-up
await fails("DeleteDomain", { domain: D }, "ConflictException", 409); // it still holds repositories
assert.equal((await call("DeleteRepository", { domain: D, repository: R })).repository.name, R);
assert.equal((await call("DeleteRepository", { domain: D, repository: UP })).repository.name, UP);
assert.equal((await call("DeleteDomain", { domain: D })).domain.status, "Deleted");
await fails("DescribeDomain", { domain: D }, "ResourceNotFoundException", 404);

console.log(JSON.stringify({ operations: [...called].sort(), errors: [...errors].sort() }));
