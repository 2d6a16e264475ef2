using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;
using ProtoKind = KazGrpc.Contracts.Tokenizer.V1.SensitiveNumberKind;
using ProtoPolicy = KazGrpc.Contracts.Tokenizer.V1.SensitiveNumberPolicy;

namespace KazGrpc.TokenizerSvc.Tests.Security;

/// <summary>The IIN/BIN and phone guard: each caller's policy (allow, mask, reject) on Tokenize,
/// TokenizeStream, CountTokens and ApplyChatTemplate, with valid, invalid-checksum and look-alike
/// numbers in Kazakh and Russian text.</summary>
public sealed class SensitiveNumberTests(SensitiveNumberFixture fixture) : IClassFixture<SensitiveNumberFixture>
{
    // A valid IIN at code points 13-25, a phone at 37-53, a valid BIN at 69-81.
    private const string Kazakh = "Менің ЖСН-ім 880101300123, телефоным +7 701 234 56 78, ұйымның БСН-і 190540001230.";

    // A valid IIN at code points 4-16 and a phone.
    private const string Russian = "ИИН 951231400568, тел. 8 (727) 123-45-67.";

    // None of these is one: an order number (12 digits, no valid check digit), an IIN with a wrong
    // check digit, a valid IIN inside 14 digits, Moscow numbers.
    private const string LookAlikes = "Заказ № 123456789012, ИИН 880101300124 с ошибкой, счёт 18801013001231, Москва +7 916 123 45 67.";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static TokenizeRequest Request(params string[] texts) => new() { Tokenizer = "o200k_base", Texts = { texts } };

    [Fact]
    public async Task Tokenize_MaskCaller_EncodesPlaceholdersWithOffsetsAndSpansInTheTextAsSent()
    {
        var request = Request(Kazakh);
        request.ReturnOffsets = true;
        request.ReturnSensitiveSpans = true;

        var masked = (await fixture.As("Mask").TokenizeAsync(request, cancellationToken: Token)).Results[0];
        var placeholders = (await fixture.As("Allow").TokenizeAsync(
            Request("Менің ЖСН-ім [IIN], телефоным [PHONE], ұйымның БСН-і [BIN]."), cancellationToken: Token)).Results[0];

        Assert.Equal(placeholders.Ids, masked.Ids);
        Assert.Equal(
            [(ProtoKind.Iin, 13u, 25u), (ProtoKind.Phone, 37u, 53u), (ProtoKind.Bin, 69u, 81u)],
            masked.SensitiveSpans.Select(s => (s.Kind, s.Start, s.End)));
        foreach (var span in masked.SensitiveSpans)
        {
            // The placeholder's tokens stand for the whole number: one of them spans all of it, and
            // none starts inside it.
            Assert.Contains(masked.Offsets, o => o.Start <= span.Start && o.End >= span.End);
            Assert.DoesNotContain(masked.Offsets, o => o.Start > span.Start && o.Start < span.End);
        }

        Assert.All(masked.Offsets, o => Assert.True(o.End <= Kazakh.Length));
    }

    [Fact]
    public async Task Tokenize_AllowCaller_EncodesTheNumbersAndReportsSpansOnlyWhenAsked()
    {
        var plain = (await fixture.As("Allow").TokenizeAsync(Request(Russian), cancellationToken: Token)).Results[0];
        var asked = Request(Russian);
        asked.ReturnSensitiveSpans = true;
        var withSpans = (await fixture.As("Allow").TokenizeAsync(asked, cancellationToken: Token)).Results[0];
        var digits = (await fixture.As("Allow").TokenizeAsync(Request("951231400568"), cancellationToken: Token)).Results[0];

        Assert.Empty(plain.SensitiveSpans);
        Assert.Equal(plain.Ids, withSpans.Ids);
        Assert.Equal([(ProtoKind.Iin, 4u, 16u), (ProtoKind.Phone, 23u, 40u)], withSpans.SensitiveSpans.Select(s => (s.Kind, s.Start, s.End)));
        Assert.True(digits.Ids.All(plain.Ids.Contains), "the allowed IIN's tokens are among the text's");
    }

    [Fact]
    public async Task Tokenize_RejectCaller_InvalidArgumentNamingTheTextAndPositionNotTheNumber()
    {
        var error = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument,
            () => fixture.As("Reject").TokenizeAsync(Request("Сәлем!", Russian), cancellationToken: Token).ResponseAsync,
            "`texts[1]` holds an IIN at code points 4-16 (and 1 more)", "policy for identification and phone numbers is reject");

        Assert.DoesNotContain("951231400568", error.Status.Detail);
        Assert.DoesNotContain("727", error.Status.Detail);
    }

    [Fact]
    public async Task Tokenize_LookAlikes_PassEveryPolicyUnchanged()
    {
        var allowed = (await fixture.As("Allow").TokenizeAsync(Request(LookAlikes), cancellationToken: Token)).Results[0];
        var request = Request(LookAlikes);
        request.ReturnSensitiveSpans = true;

        foreach (var policy in new[] { "Mask", "Reject" })
        {
            var result = (await fixture.As(policy).TokenizeAsync(request, cancellationToken: Token)).Results[0];
            Assert.Equal(allowed.Ids, result.Ids);
            Assert.Empty(result.SensitiveSpans);
        }
    }

    [Fact]
    public async Task Tokenize_RequestPolicy_TightensTheCallersButNeverLoosensIt()
    {
        var maskedByMask = (await fixture.As("Mask").TokenizeAsync(Request(Russian), cancellationToken: Token)).Results[0].Ids;
        var askMask = Request(Russian);
        askMask.SensitiveNumbers = ProtoPolicy.Mask;
        var askAllow = Request(Russian);
        askAllow.SensitiveNumbers = ProtoPolicy.Allow;
        var askReject = Request(Russian);
        askReject.SensitiveNumbers = ProtoPolicy.Reject;

        Assert.Equal(maskedByMask, (await fixture.As("Allow").TokenizeAsync(askMask, cancellationToken: Token)).Results[0].Ids);
        Assert.Equal(maskedByMask, (await fixture.As("Mask").TokenizeAsync(askAllow, cancellationToken: Token)).Results[0].Ids);
        await RpcAssert.InvalidArgumentAsync(() => fixture.As("Allow").TokenizeAsync(askReject, cancellationToken: Token).ResponseAsync, "texts[0]", "an IIN at code points 4-16");
        await RpcAssert.InvalidArgumentAsync(
            () => fixture.As("Allow").TokenizeAsync(new TokenizeRequest(askAllow) { SensitiveNumbers = (ProtoPolicy)7 }, cancellationToken: Token).ResponseAsync,
            "sensitive_numbers", "got 7");
    }

    [Fact]
    public async Task Tokenize_LatinAndMask_PlaceholderStaysAsItIsAndTheRestIsCyrillic()
    {
        const string latin = "Menıñ JSN-ım 880101300123.";
        var request = Request(latin);
        request.InputScript = Script.Latin;

        var masked = (await fixture.As("Mask").TokenizeAsync(request, cancellationToken: Token)).Results[0].Ids;
        var expected = (await fixture.As("Allow").TokenizeAsync(Request(Text.KazakhScript.ToCyrillic("Menıñ JSN-ım ") + "[IIN]."), cancellationToken: Token)).Results[0].Ids;

        Assert.Equal(expected, masked);
    }

    [Fact]
    public async Task TokenizeStream_RejectCaller_RefusesInBandAndTheStreamServesOn()
    {
        using var stream = fixture.As("Reject").TokenizeStream(cancellationToken: Token);
        var refused = Request(Kazakh);
        refused.RequestId = "r1";
        var served = Request("Сәлем, әлем!");
        served.RequestId = "r2";

        await stream.RequestStream.WriteAsync(refused, Token);
        Assert.True(await stream.ResponseStream.MoveNext(Token));
        var first = stream.ResponseStream.Current;
        await stream.RequestStream.WriteAsync(served, Token);
        Assert.True(await stream.ResponseStream.MoveNext(Token));
        var second = stream.ResponseStream.Current;
        await stream.RequestStream.CompleteAsync();

        Assert.Equal(("r1", (int)StatusCode.InvalidArgument), (first.RequestId, first.Error.Code));
        Assert.Contains("`texts[0]` holds an IIN at code points 13-25 (and 2 more)", first.Error.Message);
        Assert.Equal("r2", second.RequestId);
        Assert.Null(second.Error);
        Assert.NotEmpty(second.Results[0].Ids);
    }

    [Fact]
    public async Task CountTokens_MaskCountsThePlaceholdersAndRejectRefuses()
    {
        var masked = await fixture.As("Mask").CountTokensAsync(new CountTokensRequest { Tokenizer = "o200k_base", Texts = { Russian, LookAlikes } }, cancellationToken: Token);
        var expected = await fixture.As("Allow").CountTokensAsync(
            new CountTokensRequest { Tokenizer = "o200k_base", Texts = { Text.SensitiveNumbers.Mask(Russian, Text.SensitiveNumbers.Find(Russian)), LookAlikes } }, cancellationToken: Token);

        Assert.Equal(expected.Counts, masked.Counts);
        await RpcAssert.InvalidArgumentAsync(
            () => fixture.As("Reject").CountTokensAsync(new CountTokensRequest { Tokenizer = "o200k_base", Texts = { LookAlikes, Russian } }, cancellationToken: Token).ResponseAsync,
            "texts[1]", "an IIN at code points 4-16");
    }

    [Fact]
    public async Task ApplyChatTemplate_MaskRendersPlaceholdersAndSpansNameTheMessage()
    {
        var request = new ApplyChatTemplateRequest
        {
            Tokenizer = "o200k_base",
            Messages = { new ChatMessage { Role = "system", Content = "Сіз ЦОН көмекшісісіз." }, new ChatMessage { Role = "user", Content = Russian } },
            ReturnSensitiveSpans = true,
        };

        var masked = await fixture.As("Mask").ApplyChatTemplateAsync(request, cancellationToken: Token);

        Assert.Contains("ИИН [IIN], тел. [PHONE].", masked.Text);
        Assert.DoesNotContain("951231400568", masked.Text);
        Assert.Equal([(1u, ProtoKind.Iin, 4u, 16u), (1u, ProtoKind.Phone, 23u, 40u)], masked.SensitiveSpans.Select(s => (s.Index, s.Kind, s.Start, s.End)));
        await RpcAssert.InvalidArgumentAsync(() => fixture.As("Reject").ApplyChatTemplateAsync(request, cancellationToken: Token).ResponseAsync,
            "messages[1].content", "`messages[1].content` holds an IIN at code points 4-16");
    }
}
