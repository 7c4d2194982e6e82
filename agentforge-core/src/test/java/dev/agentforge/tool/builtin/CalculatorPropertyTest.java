package dev.agentforge.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentforge.tool.ToolException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.function.BinaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Compares the calculator with exact {@link BigInteger} arithmetic on random integer expressions.
 * Operands stay below 100 and trees at most 3 levels deep, so no value exceeds 99^8, about 9.2e15.
 * That fits in the 16 digits of DECIMAL64, so the calculator must reproduce it without rounding.
 */
class CalculatorPropertyTest {

    /** An expression as text with its exact value. */
    record Expression(String text, BigInteger value) {
    }

    @Property(tries = 500)
    void matchesExactIntegerArithmetic(@ForAll("expressions") Expression expression) throws ToolException {
        BigDecimal result = CalculatorTool.evaluate(expression.text());

        assertThat(result.toBigIntegerExact()).as(expression.text()).isEqualTo(expression.value());
    }

    @Property(tries = 300)
    void precedenceMatchesLongArithmetic(
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = -999, max = 999) Integer> operands,
            @ForAll @Size(min = 8, max = 8) List<@IntRange(min = 0, max = 2) Integer> operatorKinds)
            throws ToolException {
        // Builds "a op b op c ..." without parentheses, then evaluates it with sums of products.
        StringBuilder text = new StringBuilder(String.valueOf(operands.getFirst()));
        long sum = 0;
        long product = operands.getFirst();
        for (int i = 1; i < operands.size(); i++) {
            long operand = operands.get(i);
            switch (operatorKinds.get(i)) {
                case 0 -> {
                    text.append(" + ").append(operand);
                    sum += product;
                    product = operand;
                }
                case 1 -> {
                    text.append(" - ").append(operand);
                    sum += product;
                    product = -operand;
                }
                default -> {
                    text.append(" * ").append(operand);
                    product *= operand;
                }
            }
        }
        long expected = sum + product;
        // Products of up to 8 operands below 1000 can reach 24 digits, but DECIMAL64 is exact only to 16.
        if (Math.abs((double) expected) >= 1e15 || Math.abs((double) product) >= 1e15) {
            return;
        }

        BigDecimal result = CalculatorTool.evaluate(text.toString());

        assertThat(result.toBigIntegerExact()).as(text.toString()).isEqualTo(BigInteger.valueOf(expected));
    }

    @Property(tries = 200)
    void ignoresWhitespace(@ForAll("expressions") Expression expression) throws ToolException {
        String compact = expression.text().replace(" ", "");

        assertThat(CalculatorTool.evaluate(compact)).isEqualByComparingTo(CalculatorTool.evaluate(expression.text()));
    }

    @Provide
    Arbitrary<Expression> expressions() {
        return expression(3);
    }

    private Arbitrary<Expression> expression(int depth) {
        Arbitrary<Expression> leaf = Arbitraries.integers().between(0, 99)
                .map(n -> new Expression(String.valueOf(n), BigInteger.valueOf(n)));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<Expression> smaller = expression(depth - 1);
        Arbitrary<Expression> negated = smaller.map(e -> new Expression("-(" + e.text() + ")", e.value().negate()));
        Arbitrary<Expression> binary = Arbitraries.oneOf(
                combine(smaller, "+", BigInteger::add),
                combine(smaller, "-", BigInteger::subtract),
                combine(smaller, "*", BigInteger::multiply),
                remainder(smaller));
        return Arbitraries.frequencyOf(
                Tuple.of(2, leaf),
                Tuple.of(1, negated),
                Tuple.of(4, binary));
    }

    private static Arbitrary<Expression> combine(Arbitrary<Expression> operand, String operator,
            BinaryOperator<BigInteger> operation) {
        return Combinators.combine(operand, operand).as((left, right) -> new Expression(
                "(" + left.text() + ") " + operator + " (" + right.text() + ")",
                operation.apply(left.value(), right.value())));
    }

    // BigInteger.remainder takes the sign of the dividend, which is the documented rule for '%'.
    private static Arbitrary<Expression> remainder(Arbitrary<Expression> operand) {
        return Combinators.combine(operand, operand)
                .filter((left, right) -> right.value().signum() != 0)
                .as((left, right) -> new Expression(
                        "(" + left.text() + ") % (" + right.text() + ")",
                        left.value().remainder(right.value())));
    }
}
