using System.Text.Json;
using KazGrpc.Hosting.Security;

namespace KazGrpc.Tools.Tests.Keys;

public sealed class KeysCommandTests
{
    [Fact]
    public async Task Hash_Key_TheSha256HexThatSha256sumPrints()
    {
        var (code, output, error) = await CliRunner.RunAsync("keys", "hash", "abc");

        Assert.Equal((0, string.Empty), (code, error));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", output.Trim());
    }

    [Fact]
    public async Task New_Json_AKeyAndItsDigest()
    {
        var (code, output, _) = await CliRunner.RunAsync("keys", "new", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var key = json.RootElement.GetProperty("key").GetString()!;
        Assert.StartsWith(ApiKeyHash.KeyPrefix, key, StringComparison.Ordinal);
        Assert.Equal(ApiKeyHash.Of(key), json.RootElement.GetProperty("sha256").GetString());
    }
}
