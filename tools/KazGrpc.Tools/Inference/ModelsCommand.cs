using System.Globalization;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Tools.Cli;
using KazGrpc.Tools.ModelsPrepare;
using Spectre.Console;

namespace KazGrpc.Tools.Inference;

/// <summary><c>kazgrpc models</c>: inference-svc's ListModels as a table; <c>kazgrpc models prepare</c> below it.</summary>
internal sealed class ModelsCommand : RpcCommand
{
    public ModelsCommand()
        : base("models", "the models inference-svc serves, with their state (inference-svc ListModels); `models prepare` writes the default ones", ServiceEndpoint.Inference, 10)
    {
        Subcommands.Add(new ModelsPrepareCommand());
    }

    protected override async Task<int> RunAsync(RpcInvocation invocation)
    {
        var client = new InferenceService.InferenceServiceClient(invocation.CallInvoker);
        var response = await client.ListModelsAsync(new ListModelsRequest(), invocation.CallOptions);
        if (invocation.Json)
        {
            JsonOutput.Write(invocation.Terminal.Out, response);
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("name")
            .AddColumn("kind")
            .AddColumn("tokenizer")
            .AddColumn("state")
            .AddColumn(new TableColumn("context").RightAligned());
        foreach (var model in response.Models)
        {
            var state = ProtoNames.Short(model.State);
            var stateText = model.State switch
            {
                ModelState.Ready => $"[green]{state}[/]",
                ModelState.Failed => $"[red]{state}[/]: {Markup.Escape(model.StateReason)}",
                _ => $"[yellow]{state}[/]",
            };
            table.AddRow(
                new Spectre.Console.Text(model.Name),
                new Spectre.Console.Text(ProtoNames.Short(model.Kind)),
                new Spectre.Console.Text(model.Tokenizer),
                new Markup(stateText),
                new Spectre.Console.Text(model.MaxContextTokens.ToString("N0", CultureInfo.InvariantCulture)));
        }

        invocation.Terminal.Console.Write(table);
        return ExitCodes.Success;
    }
}
