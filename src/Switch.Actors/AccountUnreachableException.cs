namespace Switch.Actors;

/// <summary>
/// This node could not get a request to its account within the authorization timeout (the account's shard is on a
/// node it cannot reach: it is cut off from the cluster): no account saw the request, so nothing was decided and no
/// answer can be given that the journal would hold. The acquirer connection is closed instead, so that the acquirer
/// repeats the request through another node, which answers what the journal holds.
/// </summary>
public sealed class AccountUnreachableException(string transactionKey, Exception lastFailure)
    : Exception($"transaction {transactionKey}: no account could be reached from this node ({lastFailure.Message})", lastFailure);
