// Package smoke tests the generated Go client against running tokenizer-svc and inference-svc.
//
// KAZGRPC_TOKENIZER_ADDRESS and KAZGRPC_INFERENCE_ADDRESS (host:port) say where the services are;
// the defaults are 127.0.0.1:50052 and 127.0.0.1:50051. The tests wait up to
// KAZGRPC_SMOKE_WAIT_SECONDS (default 60) for both to report SERVING.
package smoke

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	inferencev1 "github.com/kazgrpc/kazgrpc/clients/go/kazgrpc/inference/v1"
	tokenizerv1 "github.com/kazgrpc/kazgrpc/clients/go/kazgrpc/tokenizer/v1"
)

const kazakh = "Сәлем, әлем!"

var (
	tokenizer tokenizerv1.TokenizerServiceClient
	inference inferencev1.InferenceServiceClient
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	wait := 60 * time.Second
	if raw := os.Getenv("KAZGRPC_SMOKE_WAIT_SECONDS"); raw != "" {
		seconds, err := strconv.ParseFloat(raw, 64)
		if err != nil || seconds <= 0 {
			fmt.Fprintf(os.Stderr, "KAZGRPC_SMOKE_WAIT_SECONDS must be a positive number, got %q\n", raw)
			return 2
		}
		wait = time.Duration(seconds * float64(time.Second))
	}
	tokenizerConn, err := dialServing(env("KAZGRPC_TOKENIZER_ADDRESS", "127.0.0.1:50052"), wait)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer tokenizerConn.Close()
	inferenceConn, err := dialServing(env("KAZGRPC_INFERENCE_ADDRESS", "127.0.0.1:50051"), wait)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer inferenceConn.Close()
	tokenizer = tokenizerv1.NewTokenizerServiceClient(tokenizerConn)
	inference = inferencev1.NewInferenceServiceClient(inferenceConn)
	return m.Run()
}

func env(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

// dialServing connects without TLS and polls grpc.health.v1 until the server reports SERVING.
func dialServing(address string, wait time.Duration) (*grpc.ClientConn, error) {
	// WithInsecure is what grpc-go 1.33 (Debian 12) has; newer releases prefer
	// grpc.WithTransportCredentials(insecure.NewCredentials()).
	conn, err := grpc.Dial(address, grpc.WithInsecure())
	if err != nil {
		return nil, err
	}
	health := healthpb.NewHealthClient(conn)
	until := time.Now().Add(wait)
	last := "no answer"
	for time.Now().Before(until) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		answer, err := health.Check(ctx, &healthpb.HealthCheckRequest{})
		cancel()
		if err == nil && answer.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			return conn, nil
		}
		if err != nil {
			last = err.Error()
		} else {
			last = answer.GetStatus().String()
		}
		time.Sleep(500 * time.Millisecond)
	}
	conn.Close()
	return nil, fmt.Errorf("%s did not report SERVING within %v (%s)", address, wait, last)
}

func callContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestTokenizeKazakh(t *testing.T) {
	ctx := callContext(t)
	response, err := tokenizer.Tokenize(ctx, &tokenizerv1.TokenizeRequest{Tokenizer: "o200k_base", Texts: []string{kazakh}})
	if err != nil {
		t.Fatalf("Tokenize: %v", err)
	}
	if len(response.GetResults()) != 1 || len(response.GetResults()[0].GetIds()) == 0 {
		t.Fatalf("Tokenize answered %v, want one result with ids", response)
	}
	text, err := tokenizer.Detokenize(ctx, &tokenizerv1.DetokenizeRequest{Tokenizer: "o200k_base", Ids: response.GetResults()[0].GetIds()})
	if err != nil {
		t.Fatalf("Detokenize: %v", err)
	}
	if text.GetText() != kazakh {
		t.Fatalf("Detokenize gave %q, want %q", text.GetText(), kazakh)
	}
}

func TestEmbed(t *testing.T) {
	response, err := inference.Embed(callContext(t), &inferencev1.EmbedRequest{Model: "minilm", Inputs: []string{kazakh, "Өтініш қабылданды."}})
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	if len(response.GetEmbeddings()) != 2 {
		t.Fatalf("got %d embeddings, want 2", len(response.GetEmbeddings()))
	}
	for i, embedding := range response.GetEmbeddings() {
		if embedding.GetIndex() != uint32(i) || len(embedding.GetValues()) != 384 {
			t.Fatalf("embedding %d: index %d, %d values; want index %d, 384 values", i, embedding.GetIndex(), len(embedding.GetValues()), i)
		}
		var sum float64
		for _, v := range embedding.GetValues() {
			sum += float64(v) * float64(v)
		}
		if norm := math.Sqrt(sum); math.Abs(norm-1) > 1e-3 {
			t.Fatalf("embedding %d has norm %v, want 1", i, norm)
		}
	}
	if response.GetUsage().GetPromptTokens() == 0 {
		t.Fatal("usage.prompt_tokens is 0")
	}
}

func TestGenerateStreamsChunksThenFinal(t *testing.T) {
	stream, err := inference.Generate(callContext(t), &inferencev1.GenerateRequest{
		Model:      "kaz-tiny",
		Prompt:     "Қазақстан Республикасы",
		Parameters: &inferencev1.GenerationParameters{MaxNewTokens: proto.Uint32(8), IgnoreEos: true},
	})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	var chunks, tokens int
	var final *inferencev1.GenerationFinal
	for {
		response, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Generate stream: %v", err)
		}
		if final != nil {
			t.Fatalf("a message came after the final one: %v", response)
		}
		switch r := response.GetResponse().(type) {
		case *inferencev1.GenerateResponse_Chunk:
			chunks++
			tokens += len(r.Chunk.GetTokenIds())
		case *inferencev1.GenerateResponse_Final:
			final = r.Final
		}
	}
	if chunks == 0 || final == nil {
		t.Fatalf("got %d chunks and final %v; want chunks, then a final message", chunks, final)
	}
	if final.GetFinishReason() != inferencev1.FinishReason_FINISH_REASON_LENGTH {
		t.Errorf("finish_reason %v, want FINISH_REASON_LENGTH", final.GetFinishReason())
	}
	if final.GetUsage().GetCompletionTokens() != 8 || tokens != 8 {
		t.Errorf("usage.completion_tokens %d and %d ids in chunks, want 8", final.GetUsage().GetCompletionTokens(), tokens)
	}
	if final.GetUsage().GetPromptTokens() == 0 {
		t.Error("usage.prompt_tokens is 0")
	}
}

func TestEmbedUnknownModelIsNotFound(t *testing.T) {
	_, err := inference.Embed(callContext(t), &inferencev1.EmbedRequest{Model: "no-such-model", Inputs: []string{kazakh}})
	st := status.Convert(err)
	if st.Code() != codes.NotFound {
		t.Fatalf("got %v, want NotFound", err)
	}
	if !strings.Contains(st.Message(), "'no-such-model' was not found") || !strings.Contains(st.Message(), "minilm") {
		t.Fatalf("message %q does not name the model and the models that exist", st.Message())
	}
}

func TestGenerateZeroMaxNewTokensIsInvalidArgument(t *testing.T) {
	stream, err := inference.Generate(callContext(t), &inferencev1.GenerateRequest{
		Model:      "kaz-tiny",
		Prompt:     kazakh,
		Parameters: &inferencev1.GenerationParameters{MaxNewTokens: proto.Uint32(0)},
	})
	if err == nil {
		// The status of a server stream arrives with the first Recv.
		_, err = stream.Recv()
	}
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument {
		t.Fatalf("got %v, want InvalidArgument", err)
	}
	if !strings.Contains(st.Message(), "parameters.max_new_tokens") {
		t.Fatalf("message %q does not name parameters.max_new_tokens", st.Message())
	}
}
