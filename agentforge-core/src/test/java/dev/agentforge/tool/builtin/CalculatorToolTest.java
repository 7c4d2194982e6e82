package dev.agentforge.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import dev.agentforge.tool.ToolRegistry;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CalculatorToolTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final ToolContext CONTEXT = new ToolContext("run_1", "call_1", "anonymous");

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            1 + 2                  | 3
            (2+3)*4                | 20
            2 + 3 * 4              | 14
            10 - 4 - 3             | 3
            100 / 8 / 5            | 2.5
            2 ^ 3 ^ 2              | 512
            -2 ^ 2                 | -4
            (-2) ^ 2               | 4
            2 ^ -1                 | 0.5
            --3                    | 3
            +-+3                   | -3
            7 % 3                  | 1
            -7 % 3                 | -1
            1.5e3                  | 1500
            2E-2 * 100             | 2
            .5 + .25               | 0.75
            54000.00*1.2           | 64800
            12345.60 * 1.20        | 14814.72
            2400 * 17 / 100        | 408
            1 / 3                  | 0.3333333333333333
            sqrt(16)               | 4
            sqrt(2)                | 1.414213562373095
            abs(-4.5)              | 4.5
            round(2.5)             | 3
            round(-2.5)            | -3
            round(3.14159, 2)      | 3.14
            round(1234, -2)        | 1200
            min(3, 1, 2)           | 1
            max(3, 1, 2)           | 3
            floor(-1.5)            | -2
            ceil(-1.5)             | -1
            floor(2.7)             | 2
            ceil(2.1)              | 3
            SQRT(9) + Max(1,2)     | 5
            4 ^ 0.5                | 2
            0.1 + 0.2              | 0.3
            1e20 * 1e20            | 10000000000000000000000000000000000000000
            """)
    void evaluatesExpression(String expression, String expected) throws ToolException {
        String result = CalculatorTool.format(CalculatorTool.evaluate(expression));

        assertThat(result).isEqualTo(expected);
    }

    @Test
    void formatStripsZerosWithoutExponent() {
        assertThat(CalculatorTool.format(new BigDecimal("64800.000"))).isEqualTo("64800");
        assertThat(CalculatorTool.format(new BigDecimal("6.48E+4"))).isEqualTo("64800");
        assertThat(CalculatorTool.format(new BigDecimal("0.000"))).isEqualTo("0");
        assertThat(CalculatorTool.format(new BigDecimal("1E-7"))).isEqualTo("0.0000001");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            1 / 0              | Division by zero at position 3
            5 % (2 - 2)        | Remainder by zero at position 3
            0 ^ -1             | Division by zero at position 3
            2 + foo(3)         | Unknown function 'foo' at position 5
            2 # 3              | Unexpected character '#' at position 3
            2 + 3)             | Unexpected character ')' at position 6
            (2 + 3             | The '(' at position 1 is never closed
            2 +                | ends too early at position 4
            sqrt 4             | must be followed by '('
            sqrt(-1)           | no real square root
            (-8) ^ 0.5         | no real result
            round(1, 2, 3)     | takes 1 or 2 arguments
            round(1, 0.5)      | Use an integer
            abs(1, 2)          | takes 1 argument
            1.2.3              | Invalid number '1.2.3' at position 1
            2e+                | exponent after 'e' has no digits
            10 ^ 200           | outside the supported range
            10 ^ -200          | outside the supported range
            '   '              | The expression is empty
            """)
    void rejectsInvalidExpression(String expression, String message) {
        assertThatThrownBy(() -> CalculatorTool.evaluate(expression))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining(message);
    }

    @Test
    void rejectsTooLongInput() {
        String expression = "1+".repeat(500) + "1";

        assertThatThrownBy(() -> CalculatorTool.evaluate(expression))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("too long: 1001 characters")
                .hasMessageContaining("limit is 1000");
    }

    @Test
    void acceptsInputAtLengthLimit() throws ToolException {
        String expression = "1+".repeat(499) + "10";

        assertThat(expression).hasSize(1000);
        assertThat(CalculatorTool.evaluate(expression)).isEqualByComparingTo("509");
    }

    @Test
    void rejectsDeepNesting() {
        String parentheses = "(".repeat(65) + "1" + ")".repeat(65);
        String signs = "-".repeat(65) + "1";

        assertThatThrownBy(() -> CalculatorTool.evaluate(parentheses))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("nests too deeply at position 65");
        assertThatThrownBy(() -> CalculatorTool.evaluate(signs))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("nests too deeply");
    }

    @Test
    void acceptsNestingAtLimit() throws ToolException {
        String parentheses = "(".repeat(64) + "1" + ")".repeat(64);

        assertThat(CalculatorTool.evaluate(parentheses)).isEqualByComparingTo("1");
    }

    @Test
    void rejectsExponentOverflow() {
        assertThatThrownBy(() -> CalculatorTool.evaluate("1e-2000000000 * 1e-2000000000"))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("cannot be computed");
    }

    @Test
    void executeReturnsExpressionAndResult() throws Exception {
        CalculatorTool tool = new CalculatorTool();
        JsonNode arguments = MAPPER.readTree("{\"expression\": \"54000.00*1.2\"}");

        String output = (String) tool.execute(arguments, CONTEXT);

        assertThat(output).isEqualTo("{\"expression\":\"54000.00*1.2\",\"result\":64800}");
    }

    @Test
    void executeWritesSmallResultWithoutExponent() throws Exception {
        CalculatorTool tool = new CalculatorTool();
        JsonNode arguments = MAPPER.readTree("{\"expression\": \"1 / 10000000\"}");

        String output = (String) tool.execute(arguments, CONTEXT);

        assertThat(output).isEqualTo("{\"expression\":\"1 / 10000000\",\"result\":0.0000001}");
    }

    @Test
    void registryAcceptsSchemaAndValidates() {
        ToolRegistry registry = ToolRegistry.of(new CalculatorTool());

        assertThat(registry.specifications()).singleElement()
                .satisfies(specification -> assertThat(specification.name()).isEqualTo("calculator"));
        assertThatThrownBy(() -> registry.validate("calculator", "{}"))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("expression");
    }

    @Test
    void nameIsConfigurable() {
        assertThat(new CalculatorTool("math").name()).isEqualTo("math");
    }
}
