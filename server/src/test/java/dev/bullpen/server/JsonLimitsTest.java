package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.junit.jupiter.api.Test;

/** The shared mapper's read rules, and what they mean for stored job data. */
class JsonLimitsTest {
  @Test
  void theSharedMapperRefusesDeepNestingDuplicateKeysAndTrailingText() {
    String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
    assertThatThrownBy(() -> Json.MAPPER.readTree(deep))
        .isInstanceOf(JsonProcessingException.class).hasMessageContaining("nesting depth");
    assertThatThrownBy(() -> Json.MAPPER.readTree("{\"a\":1,\"a\":2}"))
        .hasMessageContaining("Duplicate field");
    assertThatThrownBy(() -> Json.MAPPER.readTree("{} {}"))
        .hasMessageContaining("Trailing token");
    assertThatThrownBy(() -> Json.MAPPER.readTree("1" + "0".repeat(200)))
        .hasMessageContaining("Number value length");
  }

  @Test
  void storedDataBeyondTheRulesIsShownAsText() {
    String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
    assertThat(Json.parse(deep).isTextual()).isTrue();
    assertThat(Json.parse("{\"stage\":\"x\",\"percent\":5}").get("percent").asInt()).isEqualTo(5);
  }

  @Test
  void requestBodiesHaveTheConfiguredDepth() {
    var m = Json.requestMapper(3, 1000);
    assertThatThrownBy(() -> AddRequest.parse(m, "{\"name\":\"x\",\"data\":[[[1]]]}"))
        .hasMessageContaining("over a JSON limit");
    assertThat(AddRequest.parse(m, "{\"name\":\"x\",\"data\":[[1]]}").name()).isEqualTo("x");
  }
}
