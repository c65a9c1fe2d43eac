using System.Text.RegularExpressions;
using Switch.Actors.Accounts.Events;
using Switch.Actors.Remoting;
using Switch.Actors.Security;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Serialization;
using static Switch.Actors.Tests.Remoting.RemotingSamples;

namespace Switch.Actors.Tests.Remoting;

/// <summary>The manifests of the switch messages: one per type, versioned, beside the journal's on one serializer.</summary>
public sealed class SwitchMessageManifestTests
{
    [Fact]
    public void Every_message_type_has_its_own_versioned_manifest_and_the_list_names_them_all()
    {
        var serializer = Node();

        var manifests = OneOfEach(Dialects.Iso87Ascii).Select(m => serializer.Serialize(m).Manifest).ToList();

        Assert.Equal(manifests.Count, manifests.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(manifests.Order(StringComparer.Ordinal), SwitchMessages.Manifests.Order(StringComparer.Ordinal));
        Assert.All(manifests, m => Assert.Matches(new Regex(@"^(account|channel|switch)\.[a-z0-9]+(-[a-z0-9]+)*\.v[1-9][0-9]*$"), m));
    }

    [Fact]
    public void The_messages_join_the_journal_events_on_one_serializer_and_the_events_still_read()
    {
        var serializer = Node();
        var started = new TransactionStarted { Key = "400001|TERM0001|000001|1121101010", Kind = 1, Amount = 1_000, Channel = "demo-1" };

        var (manifest, payload) = serializer.Serialize(started);

        Assert.Equal("account.transaction-started.v1", manifest);
        Assert.Equal(started, serializer.Deserialize(manifest, payload));
    }

    [Fact]
    public void Registering_the_messages_twice_on_one_serializer_is_refused()
    {
        var serializer = Node();

        Assert.Throws<InvalidOperationException>(() => SwitchMessages.Register(serializer, CardDataProtector.FromHex(KeyHex)));
    }

    [Fact]
    public void The_arguments_are_required()
    {
        Assert.Throws<ArgumentNullException>(() => SwitchMessages.Register(null!, CardDataProtector.FromHex(KeyHex)));
        Assert.Throws<ArgumentNullException>(() => SwitchMessages.Register(new EventSerializer(), null!));
    }
}
