using KazGrpc.Hosting.Security;
using Microsoft.Extensions.Time.Testing;

namespace KazGrpc.Hosting.Tests.Security;

public sealed class TokenWindowTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryCharge_WithinTheLimit_ChargesAndCounts()
    {
        var window = new TokenWindow(_time);

        Assert.True(window.TryCharge(10, 25, out _, out _));
        Assert.True(window.TryCharge(15, 25, out var used, out _));

        Assert.Equal((10, 25), (used, window.Used));
    }

    [Fact]
    public void TryCharge_OverTheLimit_ChargesNothingAndWaitsForTheOldestChargesThatMustLeave()
    {
        var window = new TokenWindow(_time);
        window.TryCharge(10, 25, out _, out _);
        _time.Advance(TimeSpan.FromSeconds(20));
        window.TryCharge(10, 25, out _, out _);
        _time.Advance(TimeSpan.FromSeconds(5.5));

        // 20 used, 10 more asked, 25 allowed: the first 10 must leave, 60 s after they came.
        Assert.False(window.TryCharge(10, 25, out var used, out var retryAfter));

        Assert.Equal(20, used);
        Assert.Equal(TimeSpan.FromSeconds(34.5), retryAfter);
        Assert.Equal(20, window.Used);
    }

    [Fact]
    public void TryCharge_WhenTheRetryComes_Fits()
    {
        var window = new TokenWindow(_time);
        window.TryCharge(20, 25, out _, out _);
        Assert.False(window.TryCharge(10, 25, out _, out var retryAfter));

        _time.Advance(retryAfter - TimeSpan.FromMilliseconds(1));
        Assert.False(window.TryCharge(10, 25, out _, out _));
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(window.TryCharge(10, 25, out _, out _));
    }

    [Fact]
    public void TryCharge_MoreThanTheWholeLimit_NeverFitsAndSaysAWindow()
    {
        var window = new TokenWindow(_time);

        Assert.False(window.TryCharge(30, 25, out _, out var retryAfter));

        Assert.Equal(TokenWindow.Length, retryAfter);
    }

    [Fact]
    public void HasRoom_ChargedOverTheLimit_NoRoomUntilTheCountDropsBelowIt()
    {
        var window = new TokenWindow(_time);
        window.Charge(5);
        _time.Advance(TimeSpan.FromSeconds(10));
        window.Charge(6);

        Assert.False(window.HasRoom(8, out var used, out var retryAfter));
        Assert.Equal(11, used);
        Assert.Equal(TimeSpan.FromSeconds(50), retryAfter);

        _time.Advance(retryAfter);
        Assert.True(window.HasRoom(8, out used, out _));
        Assert.Equal(6, used);
    }

    [Fact]
    public void Used_AfterAMinute_Forgotten()
    {
        var window = new TokenWindow(_time);
        window.Charge(100);

        _time.Advance(TimeSpan.FromSeconds(59.9));
        Assert.Equal(100, window.Used);
        _time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal(0, window.Used);
    }
}
