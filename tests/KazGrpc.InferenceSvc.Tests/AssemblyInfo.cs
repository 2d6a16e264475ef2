// Every in-process inference-svc calls one tokenizer-svc process.
[assembly: AssemblyFixture(typeof(KazGrpc.InferenceSvc.Tests.TokenizerProcessFixture))]

// Each test runs real services and real models on a 2-core machine; run one test class at a time
// so that timing-sensitive checks (queue waits, outage detection) see the machine they assume.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
