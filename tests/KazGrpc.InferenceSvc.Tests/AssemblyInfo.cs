// One tokenizer-svc process serves the in-process inference-svc hosts (the outage drills start their own).
[assembly: AssemblyFixture(typeof(KazGrpc.InferenceSvc.Tests.TokenizerProcessFixture))]

// Each test runs real services and real models; one test class runs at a time, so that the
// timing-sensitive checks (queue waits, outage detection) do not share the cores with other tests.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
