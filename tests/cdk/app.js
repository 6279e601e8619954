// A small AWS CDK app with CodeArtifact resources; tests/test_cloudformation.py deploys its synthesized template
// (tests/cdk/template.json) into moto's CloudFormation with mock_codeartifact active.
//
// Regenerate the template (docs/cloudformation.md):
//   cd tests/cdk && npm ci && node app.js
// which synthesizes into cdk.out/ and copies the stack's template to template.json. With CDK_OUTDIR set, it only
// synthesizes into that directory (the test that checks template.json is what this app synthesizes).
const fs = require("fs");
const path = require("path");
const { App, Stack, CfnOutput, Tags } = require("aws-cdk-lib");
const codeartifact = require("aws-cdk-lib/aws-codeartifact");

class ArtifactsStack extends Stack {
  constructor(scope, id, props) {
    super(scope, id, props);

    const domain = new codeartifact.CfnDomain(this, "Domain", {
      domainName: "cdk-artifacts",
      permissionsPolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${this.account}:root` },
            Action: ["codeartifact:GetAuthorizationToken", "codeartifact:ReadFromRepository"],
            Resource: "*",
          },
        ],
      },
    });

    const npmStore = new codeartifact.CfnRepository(this, "NpmStore", {
      domainName: domain.attrName,
      repositoryName: "npm-store",
      description: "Proxy of the public npm registry",
      externalConnections: ["public:npmjs"],
    });

    const app = new codeartifact.CfnRepository(this, "AppRepository", {
      domainName: domain.attrName,
      domainOwner: domain.attrOwner,
      repositoryName: "app",
      description: "Packages of the app",
      upstreams: [npmStore.attrName],
    });

    const group = new codeartifact.CfnPackageGroup(this, "Scoped", {
      domainName: domain.attrName,
      pattern: "/npm/acme/*",
      description: "Our own npm scope: published here, never taken from the public registry",
      contactInfo: "platform@example.com",
      originConfiguration: {
        restrictions: {
          publish: { restrictionMode: "ALLOW_SPECIFIC_REPOSITORIES", repositories: [app.attrName] },
          externalUpstream: { restrictionMode: "BLOCK" },
        },
      },
    });

    Tags.of(this).add("team", "platform");

    new CfnOutput(this, "DomainArn", { value: domain.attrArn });
    new CfnOutput(this, "RepositoryArn", { value: app.ref });
    new CfnOutput(this, "RepositoryDomainOwner", { value: app.attrDomainOwner });
    new CfnOutput(this, "PackageGroupArn", { value: group.attrArn });
  }
}

const outdir = process.env.CDK_OUTDIR || path.join(__dirname, "cdk.out");
const app = new App({ outdir });
new ArtifactsStack(app, "ArtifactsStack");
app.synth();
if (!process.env.CDK_OUTDIR) {
  fs.copyFileSync(path.join(outdir, "ArtifactsStack.template.json"), path.join(__dirname, "template.json"));
}
