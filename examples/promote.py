"""Application code: a Lambda-style handler that promotes every version published to ``staging`` into
``releases``, started by CodeArtifact's EventBridge event (an EventBridge rule -> SQS -> this handler)."""

from typing import Any


def promote(event: dict[str, Any], client: Any) -> str | None:
    """Copy the package version an event announces from staging to releases; None when there is nothing to do."""
    detail = event["detail"]
    if detail["operationType"] != "Created" or detail["packageVersionState"] != "Published":
        return None
    coordinates = {"namespace": detail["packageNamespace"]} if detail["packageNamespace"] else {}
    client.copy_package_versions(
        domain=detail["domainName"],
        domainOwner=detail["domainOwner"],
        sourceRepository=detail["repositoryName"],
        destinationRepository="releases",
        format=detail["packageFormat"],
        package=detail["packageName"],
        versionRevisions={detail["packageVersion"]: detail["packageVersionRevision"]},
        **coordinates,
    )
    return detail["packageVersion"]
