package dev.agentforge.tool.builtin;

import dev.agentforge.tool.Tool;
import dev.agentforge.tool.ToolContext;
import dev.agentforge.tool.ToolException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A calculator tool, named {@code calculator}, with the argument {@code {"expression": "..."}}. It
 * evaluates arithmetic with its own recursive-descent parser, so the input never reaches a script engine.
 *
 * <p>Grammar, loosest binding first: {@code + -}, then {@code * / %}, then unary {@code + -}, then
 * {@code ^} (right-associative, so {@code 2^3^2} is {@code 2^9} and {@code -2^2} is {@code -4}). Numbers
 * are decimal, optionally in scientific notation ({@code 1.5e3}). Functions: {@code sqrt(x)},
 * {@code abs(x)}, {@code round(x)} and {@code round(x, digits)} (half away from zero), {@code min(a, b, ...)},
 * {@code max(a, b, ...)}, {@code floor(x)} and {@code ceil(x)}. {@code %} is the remainder, whose sign
 * follows the dividend as in Java.
 *
 * <p>Arithmetic is {@link BigDecimal} with {@link MathContext#DECIMAL64}, so every step keeps 16
 * significant digits. A power with a non-integer exponent is computed in {@code double} and then
 * rounded to 16 digits, so it is exact only to about 15 digits. The result is rendered by
 * {@link #format(BigDecimal)}: trailing zeros stripped, plain notation, never an exponent
 * ({@code 54000.00*1.2} gives {@code 64800}).
 *
 * <p>Errors become a {@link ToolException} that names the problem and its 1-based character position:
 * division by zero, an unknown function, an unexpected character, input longer than
 * {@value #MAX_LENGTH} characters, nesting deeper than {@value #MAX_DEPTH} levels, and results whose
 * magnitude is outside 1e-{@value #MAX_EXPONENT} to 1e{@value #MAX_EXPONENT}.
 */
public final class CalculatorTool implements Tool {

    /** The default tool name. */
    public static final String NAME = "calculator";

    /** The maximum length of an expression, in characters. */
    public static final int MAX_LENGTH = 1000;

    /** The maximum nesting depth of parentheses, function calls and unary signs. */
    public static final int MAX_DEPTH = 64;

    /** Results must have a magnitude below 10 to this power and, unless zero, at least 10 to its negation. */
    public static final int MAX_EXPONENT = 100;

    private static final MathContext MATH = MathContext.DECIMAL64;
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();
    private static final JsonNode PARAMETERS = MAPPER.readTree("""
            {
              "type": "object",
              "properties": {
                "expression": {
                  "type": "string",
                  "description": "The arithmetic expression, for example (2+3)*4 or round(54000*1.2, 2)"
                }
              },
              "required": ["expression"],
              "additionalProperties": false
            }
            """);

    private final String name;

    /** Creates the tool with the name {@value #NAME}. */
    public CalculatorTool() {
        this(NAME);
    }

    /** Creates the tool with another name, for agents that already have a tool called {@value #NAME}. */
    public CalculatorTool(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "Evaluates an arithmetic expression exactly and returns {\"expression\": ..., \"result\": ...}. "
                + "Use it for every calculation instead of doing arithmetic yourself. Supports numbers "
                + "(1.5, 2e3), + - * / % (remainder), ^ (power), parentheses and the functions sqrt(x), abs(x), "
                + "round(x) or round(x, digits), min(a, b, ...), max(a, b, ...), floor(x), ceil(x). "
                + "Write percentages as multiplications: 17% of 2400 is 2400 * 17 / 100. "
                + "Results keep 16 significant digits.";
    }

    @Override
    public JsonNode parameters() {
        return PARAMETERS;
    }

    @Override
    public Object execute(JsonNode arguments, ToolContext context) throws ToolException {
        String expression = arguments.path("expression").asString("");
        BigDecimal result = evaluate(expression);
        ObjectNode output = MAPPER.createObjectNode();
        output.put("expression", expression);
        output.put("result", new BigDecimal(format(result)));
        return MAPPER.writeValueAsString(output);
    }

    /**
     * Evaluates an expression.
     *
     * @throws ToolException naming the problem and its position when the expression is invalid or
     *     cannot be computed
     */
    public static BigDecimal evaluate(String expression) throws ToolException {
        if (expression == null || expression.isBlank()) {
            throw new ToolException("The expression is empty. Pass an arithmetic expression such as (2+3)*4.");
        }
        if (expression.length() > MAX_LENGTH) {
            throw new ToolException("The expression is too long: " + expression.length()
                    + " characters, and the limit is " + MAX_LENGTH + ". Split the calculation into smaller steps.");
        }
        BigDecimal result;
        try {
            result = new Parser(expression).parse();
        } catch (ArithmeticException e) {
            // BigDecimal reports a scale overflow this way, for example for 1e-2000000000 * 1e-2000000000.
            throw new ToolException("The expression '" + expression + "' cannot be computed: " + e.getMessage()
                    + ". Use numbers between 1e-" + MAX_EXPONENT + " and 1e" + MAX_EXPONENT + ".");
        }
        checkRange(result, expression);
        return result;
    }

    /** Renders a result: trailing zeros stripped, in plain notation without an exponent. */
    public static String format(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() < 0) {
            stripped = stripped.setScale(0, RoundingMode.UNNECESSARY);
        }
        return stripped.toPlainString();
    }

    private static void checkRange(BigDecimal result, String expression) throws ToolException {
        if (result.signum() == 0) {
            return;
        }
        long exponent = (long) result.precision() - result.scale() - 1;
        if (exponent >= MAX_EXPONENT || exponent < -MAX_EXPONENT) {
            throw new ToolException("The result of '" + expression + "' is " + result
                    + ", whose magnitude is outside the supported range 1e-" + MAX_EXPONENT + " to 1e" + MAX_EXPONENT
                    + ". Rescale the inputs, for example compute in thousands.");
        }
    }

    /** A recursive-descent parser that evaluates as it parses. Positions in messages are 1-based. */
    private static final class Parser {
        private final String input;
        private int pos;
        private int depth;

        Parser(String input) {
            this.input = input;
        }

        BigDecimal parse() throws ToolException {
            BigDecimal value = expression();
            skipSpaces();
            if (pos < input.length()) {
                throw unexpected();
            }
            return value;
        }

        // expression := term (('+' | '-') term)*
        private BigDecimal expression() throws ToolException {
            BigDecimal value = term();
            while (true) {
                skipSpaces();
                if (accept('+')) {
                    value = value.add(term(), MATH);
                } else if (accept('-')) {
                    value = value.subtract(term(), MATH);
                } else {
                    return value;
                }
            }
        }

        // term := unary (('*' | '/' | '%') unary)*
        private BigDecimal term() throws ToolException {
            BigDecimal value = unary();
            while (true) {
                skipSpaces();
                int operatorPosition = pos;
                if (accept('*')) {
                    value = value.multiply(unary(), MATH);
                } else if (accept('/')) {
                    BigDecimal divisor = unary();
                    requireNonZero(divisor, "Division by zero", operatorPosition);
                    value = value.divide(divisor, MATH);
                } else if (accept('%')) {
                    BigDecimal divisor = unary();
                    requireNonZero(divisor, "Remainder by zero", operatorPosition);
                    value = value.remainder(divisor, MATH);
                } else {
                    return value;
                }
            }
        }

        // unary := ('+' | '-') unary | power
        private BigDecimal unary() throws ToolException {
            skipSpaces();
            int start = pos;
            if (accept('-')) {
                enter(start);
                BigDecimal value = unary().negate(MATH);
                depth--;
                return value;
            }
            if (accept('+')) {
                enter(start);
                BigDecimal value = unary();
                depth--;
                return value;
            }
            return power();
        }

        // power := primary ('^' unary)?, so the exponent may carry a sign and binds to the right.
        private BigDecimal power() throws ToolException {
            BigDecimal base = primary();
            skipSpaces();
            int operatorPosition = pos;
            if (accept('^')) {
                BigDecimal exponent = unary();
                return pow(base, exponent, operatorPosition);
            }
            return base;
        }

        // primary := number | '(' expression ')' | function '(' arguments ')'
        private BigDecimal primary() throws ToolException {
            skipSpaces();
            if (pos >= input.length()) {
                throw new ToolException("The expression ends too early at position " + (pos + 1)
                        + ": a number, '(' or a function is missing. Complete the expression.");
            }
            char c = input.charAt(pos);
            if (c == '(') {
                int open = pos;
                pos++;
                enter(open);
                BigDecimal value = expression();
                expectClosing(open);
                depth--;
                return value;
            }
            if (Character.isDigit(c) || c == '.') {
                return number();
            }
            if (Character.isLetter(c)) {
                return function();
            }
            throw unexpected();
        }

        private BigDecimal number() throws ToolException {
            int start = pos;
            while (pos < input.length() && (Character.isDigit(input.charAt(pos)) || input.charAt(pos) == '.')) {
                pos++;
            }
            if (pos < input.length() && (input.charAt(pos) == 'e' || input.charAt(pos) == 'E')) {
                int exponentStart = pos;
                pos++;
                if (pos < input.length() && (input.charAt(pos) == '+' || input.charAt(pos) == '-')) {
                    pos++;
                }
                int digitsStart = pos;
                while (pos < input.length() && Character.isDigit(input.charAt(pos))) {
                    pos++;
                }
                if (pos == digitsStart) {
                    throw new ToolException("Invalid number '" + input.substring(start, pos) + "' at position "
                            + (start + 1) + ": the exponent after '" + input.charAt(exponentStart)
                            + "' has no digits. Write it like 1.5e3.");
                }
            }
            String text = input.substring(start, pos);
            try {
                return new BigDecimal(text).round(MATH);
            } catch (NumberFormatException e) {
                throw new ToolException("Invalid number '" + text + "' at position " + (start + 1)
                        + ". Write numbers like 42, 3.14 or 1.5e3.");
            }
        }

        private BigDecimal function() throws ToolException {
            int start = pos;
            while (pos < input.length() && Character.isLetterOrDigit(input.charAt(pos))) {
                pos++;
            }
            String function = input.substring(start, pos);
            String key = function.toLowerCase(Locale.ROOT);
            if (!List.of("sqrt", "abs", "round", "min", "max", "floor", "ceil").contains(key)) {
                throw new ToolException("Unknown function '" + function + "' at position " + (start + 1)
                        + ". Available functions: sqrt, abs, round, min, max, floor, ceil.");
            }
            skipSpaces();
            int open = pos;
            if (!accept('(')) {
                throw new ToolException("Function '" + function + "' at position " + (start + 1)
                        + " must be followed by '(' and its arguments, as in " + key + "(2).");
            }
            enter(open);
            List<BigDecimal> arguments = new ArrayList<>();
            arguments.add(expression());
            skipSpaces();
            while (accept(',')) {
                arguments.add(expression());
                skipSpaces();
            }
            expectClosing(open);
            depth--;
            return apply(key, function, arguments, start);
        }

        private BigDecimal apply(String key, String function, List<BigDecimal> arguments, int start)
                throws ToolException {
            String location = "'" + function + "' at position " + (start + 1);
            switch (key) {
                case "min", "max" -> {
                    BigDecimal result = arguments.getFirst();
                    for (BigDecimal argument : arguments) {
                        result = key.equals("min") ? result.min(argument) : result.max(argument);
                    }
                    return result;
                }
                case "round" -> {
                    if (arguments.size() > 2) {
                        throw new ToolException("Function " + location + " takes 1 or 2 arguments, got " + arguments.size()
                                + ". Write round(x) or round(x, digits).");
                    }
                    int digits = arguments.size() == 2 ? integerArgument(arguments.get(1), location, -MAX_EXPONENT, MAX_EXPONENT) : 0;
                    return arguments.getFirst().setScale(digits, RoundingMode.HALF_UP);
                }
                default -> {
                    if (arguments.size() != 1) {
                        throw new ToolException("Function " + location + " takes 1 argument, got " + arguments.size()
                                + ". Write " + key + "(x).");
                    }
                }
            }
            BigDecimal x = arguments.getFirst();
            return switch (key) {
                case "sqrt" -> {
                    if (x.signum() < 0) {
                        throw new ToolException("Function " + location + " got the negative number " + format(x)
                                + ", which has no real square root. Pass a number of 0 or more.");
                    }
                    yield x.sqrt(MATH);
                }
                case "abs" -> x.abs();
                case "floor" -> x.setScale(0, RoundingMode.FLOOR);
                case "ceil" -> x.setScale(0, RoundingMode.CEILING);
                default -> throw new IllegalStateException("Function " + key + " is listed but not implemented");
            };
        }

        private BigDecimal pow(BigDecimal base, BigDecimal exponent, int operatorPosition) throws ToolException {
            String location = "at position " + (operatorPosition + 1);
            if (exponent.signum() == 0 || exponent.stripTrailingZeros().scale() <= 0) {
                int n = integerArgument(exponent, "'^' " + location, -999_999_999, 999_999_999);
                if (base.signum() == 0 && n < 0) {
                    throw new ToolException("Division by zero " + location + ": 0 raised to the negative power " + n
                            + ". Use a base other than 0.");
                }
                return base.pow(n, MATH);
            }
            if (base.signum() < 0) {
                throw new ToolException("The power " + location + " raises the negative number " + format(base)
                        + " to the non-integer exponent " + format(exponent)
                        + ", which has no real result. Use an integer exponent or a positive base.");
            }
            double result = Math.pow(base.doubleValue(), exponent.doubleValue());
            if (Double.isInfinite(result) || Double.isNaN(result)) {
                throw new ToolException("The power " + location + " is too large to compute. Use a smaller base or exponent.");
            }
            return new BigDecimal(result, MATH);
        }

        private int integerArgument(BigDecimal value, String what, int min, int max) throws ToolException {
            BigDecimal stripped = value.stripTrailingZeros();
            if (stripped.scale() > 0 || value.compareTo(BigDecimal.valueOf(min)) < 0
                    || value.compareTo(BigDecimal.valueOf(max)) > 0) {
                throw new ToolException("The integer argument of " + what + " is " + format(value)
                        + ". Use an integer from " + min + " to " + max + ".");
            }
            return value.intValueExact();
        }

        private void requireNonZero(BigDecimal divisor, String problem, int operatorPosition) throws ToolException {
            if (divisor.signum() == 0) {
                throw new ToolException(problem + " at position " + (operatorPosition + 1)
                        + ": the right-hand side is 0. Change the divisor.");
            }
        }

        private void expectClosing(int open) throws ToolException {
            skipSpaces();
            if (!accept(')')) {
                if (pos >= input.length()) {
                    throw new ToolException("The '(' at position " + (open + 1)
                            + " is never closed. Add the missing ')'.");
                }
                throw unexpected();
            }
        }

        private void enter(int position) throws ToolException {
            depth++;
            if (depth > MAX_DEPTH) {
                throw new ToolException("The expression nests too deeply at position " + (position + 1)
                        + ": more than " + MAX_DEPTH + " levels of parentheses, function calls or signs. Simplify it.");
            }
        }

        private ToolException unexpected() {
            char c = input.charAt(pos);
            return new ToolException("Unexpected character '" + c + "' at position " + (pos + 1)
                    + " in '" + input + "'. Use numbers, + - * / % ^, parentheses and the functions "
                    + "sqrt, abs, round, min, max, floor, ceil.");
        }

        private boolean accept(char c) {
            if (pos < input.length() && input.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void skipSpaces() {
            while (pos < input.length() && Character.isWhitespace(input.charAt(pos))) {
                pos++;
            }
        }
    }
}
