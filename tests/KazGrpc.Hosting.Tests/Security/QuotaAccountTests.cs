using KazGrpc.Core;
using KazGrpc.Hosting.Security;
using Microsoft.Extensions.Time.Testing;

namespace KazGrpc.Hosting.Tests.Security;

public sealed class QuotaAccountTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void AcquireSlot_AllTaken_ResourceExhaustedUntilOneIsReleased()
    {
        var account = new QuotaAccount("egov-portal", _time);
        account.Apply(new QuotaLimits(1, 2, 0, 0));
        var held = account.AcquireSlot(stream: false);

        var error = Assert.Throws<OverloadedException>(() => account.AcquireSlot(stream: false));

        Assert.Equal("caller 'egov-portal' is at its quota of 1 concurrent requests; retry when one of its requests has ended", error.Message);
        Assert.Equal(QuotaAccount.ConcurrencyRetryAfter, error.RetryAfter);
        using (account.AcquireSlot(stream: true))
        {
            // Streams are counted apart from requests.
        }

        held!.Dispose();
        using var next = account.AcquireSlot(stream: false);
        Assert.NotNull(next);
    }

    [Fact]
    public void AcquireSlot_Unlimited_NoLease()
    {
        var account = new QuotaAccount("egov-portal", _time);
        account.Apply(new QuotaLimits(0, 0, 0, 0));

        Assert.Null(account.AcquireSlot(stream: true));
    }

    [Fact]
    public void TakeStreamMessage_OverTheRate_RefusalSaysTheQuotaAndWhen()
    {
        var account = new QuotaAccount("egov-portal", _time);
        account.Apply(new QuotaLimits(0, 0, 0, 0, StreamMessagesPerSecond: 2));

        Assert.Null(account.TakeStreamMessage());
        Assert.Null(account.TakeStreamMessage());
        var refusal = account.TakeStreamMessage();

        Assert.NotNull(refusal);
        Assert.Equal("caller 'egov-portal' is over its quota of 2 stream messages per second; this message was not processed: send it again in 1 s", refusal.Message);
        Assert.Equal(TimeSpan.FromSeconds(1), refusal.RetryAfter);
    }

    [Fact]
    public void TakeStreamMessage_Unlimited_NeverRefused()
    {
        var account = new QuotaAccount("egov-portal", _time);
        account.Apply(new QuotaLimits(1, 1, 0, 0, StreamMessagesPerSecond: 0));

        Assert.All(Enumerable.Range(0, 10_000), _ => Assert.Null(account.TakeStreamMessage()));
    }

    [Fact]
    public void Apply_TheRateChanges_TheNewRateRulesAndHeldSlotsStillCount()
    {
        var account = new QuotaAccount("egov-portal", _time);
        account.Apply(new QuotaLimits(1, 0, 0, 0, StreamMessagesPerSecond: 1));
        using var held = account.AcquireSlot(stream: false);
        Assert.Null(account.TakeStreamMessage());
        Assert.NotNull(account.TakeStreamMessage());

        account.Apply(new QuotaLimits(1, 0, 0, 0, StreamMessagesPerSecond: 3));

        Assert.All(Enumerable.Range(0, 3), _ => Assert.Null(account.TakeStreamMessage()));
        Assert.Contains("quota of 3 stream messages per second", account.TakeStreamMessage()?.Message, StringComparison.Ordinal);
        Assert.Throws<OverloadedException>(() => account.AcquireSlot(stream: false));
    }

    [Fact]
    public void ChargePrompt_OverTheQuota_SaysTheQuotaTheUseAndWhen()
    {
        var account = new QuotaAccount("egov-portal", _time);
        account.Apply(new QuotaLimits(0, 0, 25, 0));
        account.ChargePrompt(20);
        _time.Advance(TimeSpan.FromSeconds(15));

        var error = Assert.Throws<OverloadedException>(() => account.ChargePrompt(10));

        Assert.Equal(
            "caller 'egov-portal' is over its quota of 25 prompt tokens per minute (20 used in the last minute; this request has 10); enough of the minute frees in 45 s",
            error.Message);
        Assert.Equal(TimeSpan.FromSeconds(45), error.RetryAfter);
    }

    [Fact]
    public void EnsureGeneratedRoom_AtTheQuota_RefusedWithTheTimeItDropsBelow()
    {
        var account = new QuotaAccount("egov-portal", _time);
        account.Apply(new QuotaLimits(0, 0, 0, 8));
        account.EnsureGeneratedRoom();
        account.ChargeGenerated(12);

        var error = Assert.Throws<OverloadedException>(account.EnsureGeneratedRoom);

        Assert.Equal(TimeSpan.FromSeconds(60), error.RetryAfter);
        Assert.Contains("over its quota of 8 generated tokens per minute (12 generated in the last minute)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ALimitComesIn_TheLastMinuteCounts()
    {
        var account = new QuotaAccount("egov-portal", _time);
        account.Apply(new QuotaLimits(0, 0, 0, 0));
        account.ChargePrompt(30);

        account.Apply(new QuotaLimits(0, 0, 40, 0));

        Assert.Throws<OverloadedException>(() => account.ChargePrompt(11));
    }
}
