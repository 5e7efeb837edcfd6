import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.List;

/**
 * Prints the reference vectors of COGO's local-model test (test/fixtures/embeddings/reference-*.json): the same
 * quantized ONNX models, run by langchain4j's own Java classes (ONNX Runtime for Java + the DJL HuggingFace
 * tokenizer), an implementation independent of COGO's. See README.md beside this file.
 */
public class Reference {
  public static void main(String[] args) throws Exception {
    String modelName = args[0];
    EmbeddingModel model = switch (modelName) {
      case "bge-small-en-v1.5-q" -> (EmbeddingModel) Class.forName("dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel").getDeclaredConstructor().newInstance();
      case "all-minilm-l6-v2-q" -> (EmbeddingModel) Class.forName("dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel").getDeclaredConstructor().newInstance();
      default -> throw new IllegalArgumentException("unknown model " + modelName);
    };
    List<String> texts = new java.util.ArrayList<>();
    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
    StringBuilder all = new StringBuilder();
    for (String line; (line = in.readLine()) != null; ) all.append(line).append('\n');
    // Input: a JSON array of strings, kept simple: one text per element, parsed with gson (on the classpath).
    String[] parsed = new com.google.gson.Gson().fromJson(all.toString(), String[].class);
    texts.addAll(List.of(parsed));
    StringBuilder out = new StringBuilder("{\"model\":\"" + modelName + "\",\"items\":[");
    for (int i = 0; i < texts.size(); i++) {
      float[] v = model.embed(TextSegment.from(texts.get(i))).content().vector();
      if (i > 0) out.append(',');
      out.append("{\"text\":").append(new com.google.gson.Gson().toJson(texts.get(i))).append(",\"vector\":[");
      for (int d = 0; d < v.length; d++) { if (d > 0) out.append(','); out.append(v[d]); }
      out.append("]}");
    }
    out.append("]}");
    System.out.println(out);
  }
}
