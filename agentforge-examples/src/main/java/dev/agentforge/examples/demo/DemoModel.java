package dev.agentforge.examples.demo;

import dev.agentforge.agent.ScriptStep;
import dev.agentforge.agent.ScriptTurn;
import dev.agentforge.agent.ScriptedChatModel;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The offline model of the demo: a {@link ScriptedChatModel} whose rules answer a documented set of
 * questions about the demo shop by calling the demo tools, in the order a real model would. Every
 * number in an answer comes from a tool result, and a failed tool call is reported as it is.
 *
 * <p>The rules, tried in this order (docs/demo.md lists example questions):
 * <ol>
 *   <li>{@code revenue_by_category}: revenue per product category;</li>
 *   <li>{@code top_customers}: the top N customers by revenue (default 3, from 1 to 50; outside that
 *       range it asks for a number in it and calls no tool);</li>
 *   <li>{@code total_revenue}: total revenue, and with "N% VAT" also the total with VAT from the calculator;</li>
 *   <li>{@code customer_orders}: how many orders a named customer placed;</li>
 *   <li>{@code low_stock}: products with fewer than N units in stock (default 10);</li>
 *   <li>{@code current_time}: the time now, in a known city or an IANA time zone (default UTC);</li>
 *   <li>{@code percent_of} and {@code arithmetic}: a calculation with the calculator.</li>
 * </ol>
 * Any other input gets the fallback answer, {@link #FALLBACK}.
 */
public final class DemoModel {

    /** The note about this model, sent in each run's {@code run_started} event and logged at startup. */
    public static final String NOTE = "Offline scripted model: deterministic, needs no API key, and answers only"
            + " a documented set of questions about the demo data (revenue, revenue by category, top customers,"
            + " orders of a customer, low stock, arithmetic, the time; see docs/demo.md)."
            + " Set AGENTFORGE_MODEL=openai:<model> or anthropic:<model> to use a real model.";

    /** The answer to inputs that match no rule. */
    public static final String FALLBACK = """
            I am the offline scripted demo model, so I only answer these kinds of questions:
            - total revenue, optionally with VAT: "How much revenue did we make in total, with 20% VAT added?"
            - revenue by product category: "What is our revenue by product category?"
            - top customers: "Who are our top 3 customers by revenue?"
            - orders of a customer: "How many orders has Alice Martin placed?"
            - low stock: "Which products have fewer than 10 in stock?"
            - arithmetic: "Calculate (2+3)*4" or "What is 17% of 2400?"
            - the time: "What time is it in Tokyo?"
            To use a real model, set AGENTFORGE_MODEL=openai:<model> with OPENAI_API_KEY (or with only \
            OPENAI_BASE_URL for a local OpenAI-compatible server such as Ollama), or \
            AGENTFORGE_MODEL=anthropic:<model> with ANTHROPIC_API_KEY.""";

    /** How many top customers {@code top_customers} lists when the question names no number. */
    static final int DEFAULT_TOP_CUSTOMERS = 3;

    /** The range of N in "top N customers"; the model asks for a number in it otherwise. */
    static final int MIN_TOP_CUSTOMERS = 1;
    static final int MAX_TOP_CUSTOMERS = 50;

    static final String SQL_QUERY = "sql_query";
    static final String CALCULATOR = "calculator";
    static final String CURRENT_TIME = "current_time";

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;

    static final Pattern REVENUE_BY_CATEGORY = Pattern.compile(
            "\\b(?:revenue|sales)\\b.*\\b(?:by|per|for\\s+each|in\\s+each|across)\\s+(?:product\\s+)?categor(?:y|ies)\\b"
                    + "|\\bcategor(?:y|ies)\\b.*\\b(?:revenue|sales)\\b", FLAGS);
    static final Pattern TOP_CUSTOMERS = Pattern.compile(
            "\\b(?:top|best|biggest|largest)\\s+(?:(?<count>\\d+|one|two|three|four|five|six|seven|eight|nine|ten)\\s+)?"
                    + "customers?\\b|\\bwhich\\s+customers?\\s+(?:spent|spend|bought|buy)\\s+the\\s+most\\b", FLAGS);
    static final Pattern TOTAL_REVENUE = Pattern.compile(
            "\\brevenue\\b|\\bturnover\\b|\\btotal\\s+sales\\b"
                    + "|\\bhow\\s+much\\s+(?:money\\s+)?(?:did|have)\\s+we\\s+(?:make|made|earn|earned)\\b", FLAGS);
    static final Pattern CUSTOMER_ORDERS = Pattern.compile(
            "\\bhow\\s+many\\s+orders\\s+(?:has|have|did|does)\\s+(?<name>.+?)\\s+"
                    + "(?:placed|place|made|make|have|had|got|submitted)\\b", FLAGS);
    static final Pattern CUSTOMER_ORDERS_BY = Pattern.compile(
            "\\b(?:how\\s+many|number\\s+of|count\\s+of)\\s+orders\\s+(?:were\\s+|have\\s+been\\s+|has\\s+been\\s+)?"
                    + "(?:placed\\s+|made\\s+)?(?:by|from|for|of)\\s+(?<name>[^?!]+)", FLAGS);
    static final Pattern LOW_STOCK = Pattern.compile(
            "\\b(?:fewer|less|lower)\\s+than\\s+(?<below>\\d+)\\b.*\\bstock\\b"
                    + "|\\bstock\\b.*\\b(?:fewer|less|lower|below|under)\\s+(?:than\\s+)?(?<under>\\d+)\\b"
                    + "|\\blow\\s+(?:on\\s+)?stock\\b|\\b(?:running|run)\\s+low\\b|\\bout\\s+of\\s+stock\\b", FLAGS);
    static final Pattern TIME = Pattern.compile(
            "\\bwhat\\s+time\\b|\\bwhat(?:'s|\\s+is)\\s+the\\s+(?:current\\s+)?(?:time|date|day)\\b"
                    + "|\\bcurrent\\s+(?:time|date)\\b|\\btime\\s+in\\b|\\bwhat\\s+(?:day|date)\\s+is\\s+(?:it|today)\\b"
                    + "|\\btoday'?s\\s+date\\b", FLAGS);
    static final Pattern PERCENT_OF = Pattern.compile(
            "(?<percent>\\d+(?:\\.\\d+)?)\\s*(?:%|percent)\\s+of\\s+(?<base>\\d+(?:\\.\\d+)?)", FLAGS);
    static final Pattern ARITHMETIC = Pattern.compile(
            "^\\s*(?:please\\s+)?(?:calculate|compute|evaluate|what\\s+is|what's|how\\s+much\\s+is)\\s+"
                    + "(?<expression>(?=[^?]*\\d)[\\d\\s.+\\-*/%^(),a-z]+?)\\s*[?.!=]*\\s*$", FLAGS);

    private static final Pattern VAT = Pattern.compile(
            "(?<rate>\\d+(?:[.,]\\d+)?)\\s*%\\s*(?:of\\s+)?(?:VAT|tax|sales\\s+tax|GST|MVA|moms)\\b"
                    + "|\\b(?:VAT|tax|GST)\\s+(?:of\\s+|at\\s+)?(?<rate2>\\d+(?:[.,]\\d+)?)\\s*%", FLAGS);
    private static final Pattern PLACE = Pattern.compile(
            "\\b(?:in|for|at)\\s+(?<place>[\\p{L}][\\p{L}_/+\\-' ]*?)\\s*(?:right\\s+now|now|today)?\\s*[?.!]*\\s*$",
            FLAGS);
    private static final Pattern TRAILING_WORDS = Pattern.compile(
            "\\s+(?:so\\s+far|in\\s+total|overall|altogether|to\\s+date|ever|this\\s+year)\\s*$", FLAGS);
    private static final Map<String, String> NUMBER_WORDS = Map.of("one", "1", "two", "2", "three", "3", "four", "4",
            "five", "5", "six", "6", "seven", "7", "eight", "8", "nine", "9", "ten", "10");
    private static final Map<String, String> CITY_ZONES = Map.ofEntries(
            Map.entry("tokyo", "Asia/Tokyo"), Map.entry("london", "Europe/London"),
            Map.entry("new york", "America/New_York"), Map.entry("nyc", "America/New_York"),
            Map.entry("oslo", "Europe/Oslo"), Map.entry("paris", "Europe/Paris"),
            Map.entry("berlin", "Europe/Berlin"), Map.entry("madrid", "Europe/Madrid"),
            Map.entry("stockholm", "Europe/Stockholm"), Map.entry("sydney", "Australia/Sydney"),
            Map.entry("singapore", "Asia/Singapore"), Map.entry("dubai", "Asia/Dubai"),
            Map.entry("mumbai", "Asia/Kolkata"), Map.entry("san francisco", "America/Los_Angeles"),
            Map.entry("los angeles", "America/Los_Angeles"), Map.entry("chicago", "America/Chicago"),
            Map.entry("utc", "UTC"));

    // Reads decimals as BigDecimal, so amounts from the tools keep their exact digits.
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private DemoModel() {
    }

    /** Creates the model. It has no state, so one instance can serve any number of runs. */
    public static ScriptedChatModel create() {
        return ScriptedChatModel.builder()
                .rule("revenue_by_category", REVENUE_BY_CATEGORY, DemoModel::revenueByCategory)
                .rule("top_customers", TOP_CUSTOMERS, DemoModel::topCustomers)
                .rule("total_revenue", TOTAL_REVENUE, DemoModel::totalRevenue)
                .rule("customer_orders", CUSTOMER_ORDERS, DemoModel::customerOrders)
                .rule("customer_orders", CUSTOMER_ORDERS_BY, DemoModel::customerOrders)
                .rule("low_stock", LOW_STOCK, DemoModel::lowStock)
                .rule("current_time", TIME, DemoModel::currentTime)
                .rule("percent_of", PERCENT_OF, DemoModel::percentOf)
                .rule("arithmetic", ARITHMETIC, DemoModel::arithmetic)
                .fallback(turn -> ScriptStep.answer(FALLBACK))
                .build();
    }

    // total_revenue: sql_query for the sum, then with VAT the calculator, then the answer.
    private static ScriptStep totalRevenue(ScriptTurn turn) {
        BigDecimal vatPercent = vatPercent(turn.input());
        if (turn.step() == 0) {
            String plan = "Revenue is the sum of quantity * unit_price over the orders that are not refunded,"
                    + " so I will total it with sql_query.";
            if (vatPercent != null) {
                plan += " Then I will add " + plain(vatPercent) + "% VAT with the calculator.";
            }
            return sqlQuery("SELECT SUM(quantity * unit_price) AS revenue FROM orders WHERE status <> ?", "refunded")
                    .withThought(plan);
        }
        if (turn.lastResult().failed()) {
            return failure(turn);
        }
        if (turn.step() == 1 || vatPercent == null) {
            BigDecimal revenue = decimalOrZero(firstCell(turn.lastResult()));
            if (vatPercent == null) {
                return ScriptStep.answer("Total revenue is " + money(revenue)
                        + " (quantity times unit price, summed over all orders that are not refunded).");
            }
            BigDecimal multiplier = BigDecimal.ONE.add(vatPercent.movePointLeft(2));
            return calculate(revenue.toPlainString() + " * " + multiplier.toPlainString())
                    .withThought("Revenue is " + money(revenue) + ". Adding " + plain(vatPercent)
                            + "% VAT means multiplying by " + multiplier.toPlainString() + ".");
        }
        BigDecimal revenue = decimalOrZero(firstCell(turn.results().getFirst()));
        BigDecimal total = calculatorResult(turn.lastResult());
        return ScriptStep.answer("Total revenue is " + money(revenue) + ". With " + plain(vatPercent)
                + "% VAT added, that is " + money(total) + ".");
    }

    // revenue_by_category: revenue grouped by product category.
    private static ScriptStep revenueByCategory(ScriptTurn turn) {
        if (turn.step() == 0) {
            return sqlQuery("SELECT p.category, SUM(o.quantity * o.unit_price) AS revenue"
                    + " FROM orders o JOIN products p ON p.id = o.product_id"
                    + " WHERE o.status <> ? GROUP BY p.category ORDER BY revenue DESC, p.category", "refunded")
                    .withThought("I will join orders to products and sum quantity * unit_price per category,"
                            + " leaving out refunded orders.");
        }
        if (turn.lastResult().failed()) {
            return failure(turn);
        }
        JsonNode rows = rows(turn.lastResult());
        if (rows.isEmpty()) {
            return ScriptStep.answer("No orders count as revenue yet, so there is no revenue by category.");
        }
        StringBuilder answer = new StringBuilder("Revenue by product category, refunded orders left out:");
        for (JsonNode row : rows) {
            answer.append("\n- ").append(row.get(0).asString()).append(": ").append(money(row.get(1).decimalValue()));
        }
        return ScriptStep.answer(answer.toString());
    }

    // top_customers: the top N customers by revenue.
    private static ScriptStep topCustomers(ScriptTurn turn) {
        String requested = requestedCustomerCount(turn);
        Integer count = customerCount(requested);
        if (count == null) {
            return ScriptStep.answer("I cannot list the top " + requested + " customers: I list from "
                    + MIN_TOP_CUSTOMERS + " to " + MAX_TOP_CUSTOMERS + " customers by revenue. Ask again with a"
                    + " number in that range, for example \"Who are our top 3 customers by revenue?\"");
        }

        if (turn.step() == 0) {
            return sqlQuery("SELECT c.name, SUM(o.quantity * o.unit_price) AS revenue"
                    + " FROM orders o JOIN customers c ON c.id = o.customer_id"
                    + " WHERE o.status <> ? GROUP BY c.id, c.name ORDER BY revenue DESC, c.name LIMIT ?",
                    "refunded", count)
                    .withThought("I will sum each customer's orders that are not refunded and keep the top "
                            + count + ".");
        }
        if (turn.lastResult().failed()) {
            return failure(turn);
        }
        JsonNode rows = rows(turn.lastResult());
        if (rows.isEmpty()) {
            return ScriptStep.answer("No customer has an order that counts as revenue yet.");
        }
        StringBuilder answer = new StringBuilder("Top ").append(count).append(" customers by revenue");
        if (rows.size() < count) {
            answer.append(" (only ").append(rows.size()).append(" customers have orders that count)");
        }
        answer.append(':');
        int rank = 1;
        for (JsonNode row : rows) {
            answer.append('\n').append(rank++).append(". ").append(row.get(0).asString()).append(": ")
                    .append(money(row.get(1).decimalValue()));
        }
        return ScriptStep.answer(answer.toString());
    }

    // customer_orders: the orders of one customer, matched by name without regard to case.
    private static ScriptStep customerOrders(ScriptTurn turn) {
        String name = customerName(turn.group("name"));
        if (turn.step() == 0) {
            return sqlQuery("SELECT c.name, COUNT(o.id) AS orders,"
                    + " SUM(CASE WHEN o.status = ? THEN 1 ELSE 0 END) AS refunded"
                    + " FROM customers c LEFT JOIN orders o ON o.customer_id = c.id"
                    + " WHERE LOWER(c.name) = LOWER(?) GROUP BY c.id, c.name ORDER BY c.id", "refunded", name)
                    .withThought("I will look up the customer named " + name + " and count their orders,"
                            + " passing the name as a parameter.");
        }
        if (turn.lastResult().failed()) {
            return failure(turn);
        }
        JsonNode rows = rows(turn.lastResult());
        if (rows.isEmpty()) {
            return ScriptStep.answer("There is no customer named " + name + " in the database, so there are no"
                    + " orders to count.");
        }
        StringBuilder answer = new StringBuilder();
        for (JsonNode row : rows) {
            long orders = row.get(1).asLong();
            long refunded = row.get(2).isNull() ? 0 : row.get(2).asLong();
            if (!answer.isEmpty()) {
                answer.append(' ');
            }
            answer.append(row.get(0).asString()).append(" has placed ").append(orders)
                    .append(orders == 1 ? " order." : " orders.");
            if (refunded > 0) {
                answer.append(' ').append(refunded).append(refunded == 1 ? " of them was" : " of them were")
                        .append(" refunded.");
            }
        }
        return ScriptStep.answer(answer.toString());
    }

    // low_stock: products below a stock threshold.
    private static ScriptStep lowStock(ScriptTurn turn) {
        int threshold = stockThreshold(turn);
        if (turn.step() == 0) {
            return sqlQuery("SELECT name, stock FROM products WHERE stock < ? ORDER BY stock, name", threshold)
                    .withThought("I will list the products with fewer than " + threshold + " units in stock.");
        }
        if (turn.lastResult().failed()) {
            return failure(turn);
        }
        JsonNode rows = rows(turn.lastResult());
        if (rows.isEmpty()) {
            return ScriptStep.answer("No product has fewer than " + threshold + " in stock.");
        }
        StringBuilder answer = new StringBuilder("Products with fewer than ").append(threshold).append(" in stock:");
        for (JsonNode row : rows) {
            answer.append("\n- ").append(row.get(0).asString()).append(": ").append(row.get(1).asLong());
        }
        return ScriptStep.answer(answer.toString());
    }

    // percent_of: "N% of M", computed as M * N / 100.
    private static ScriptStep percentOf(ScriptTurn turn) {
        String percent = turn.group("percent");
        String base = turn.group("base");
        if (turn.step() == 0) {
            return calculate(base + " * " + percent + " / 100")
                    .withThought(percent + "% of " + base + " is " + base + " * " + percent + " / 100.");
        }
        if (turn.lastResult().failed()) {
            return failure(turn);
        }
        return ScriptStep.answer(percent + "% of " + base + " is " + plain(calculatorResult(turn.lastResult())) + ".");
    }

    // arithmetic: an expression, with "plus", "minus", "times" and "divided by" turned into operators.
    private static ScriptStep arithmetic(ScriptTurn turn) {
        String expression = turn.group("expression").strip()
                .replaceAll("(?i)\\s*\\bplus\\b\\s*", " + ")
                .replaceAll("(?i)\\s*\\bminus\\b\\s*", " - ")
                .replaceAll("(?i)\\s*\\b(?:times|multiplied\\s+by)\\b\\s*", " * ")
                .replaceAll("(?i)\\s*\\bdivided\\s+by\\b\\s*", " / ")
                .strip();
        if (turn.step() == 0) {
            return calculate(expression).withThought("I will evaluate " + expression + " with the calculator.");
        }
        if (turn.lastResult().failed()) {
            return failure(turn);
        }
        return ScriptStep.answer(expression + " = " + plain(calculatorResult(turn.lastResult())) + ".");
    }

    // current_time: the zone of a known city or an explicit IANA id. Without a place it asks for UTC.
    private static ScriptStep currentTime(ScriptTurn turn) {
        String place = place(turn.input());
        if (turn.step() == 0) {
            ObjectNode arguments = MAPPER.createObjectNode();
            String thought;
            if (place == null) {
                thought = "No place is named, so I will ask current_time for UTC.";
            } else {
                String zone = CITY_ZONES.getOrDefault(place.toLowerCase(Locale.ROOT), place);
                arguments.put("timezone", zone);
                thought = "I will ask current_time for the time zone " + zone + ".";
            }
            return ScriptStep.callTool(CURRENT_TIME, MAPPER.writeValueAsString(arguments)).withThought(thought);
        }
        if (turn.lastResult().failed()) {
            return failure(turn);
        }
        JsonNode now = MAPPER.readTree(turn.lastResult().text());
        String zone = now.path("timezone").asString();
        String where = place == null || place.equalsIgnoreCase(zone) ? zone : place + " (" + zone + ")";
        return ScriptStep.answer("In " + where + " it is " + now.path("time").asString() + " on "
                + now.path("dayOfWeek").asString() + ", " + now.path("date").asString() + ".");
    }

    private static ScriptStep failure(ScriptTurn turn) {
        ScriptTurn.Result result = turn.lastResult();
        String error = result.text().replaceFirst("^Error:\\s*", "");
        return ScriptStep.answer("The " + result.tool() + " call failed, so I have no result to give you."
                + " The tool reported: " + error);
    }

    private static ScriptStep sqlQuery(String sql, Object... params) {
        ObjectNode arguments = MAPPER.createObjectNode();
        arguments.put("sql", sql);
        ArrayNode array = arguments.putArray("params");
        for (Object param : params) {
            array.addPOJO(param);
        }
        return ScriptStep.callTool(SQL_QUERY, MAPPER.writeValueAsString(arguments));
    }

    private static ScriptStep calculate(String expression) {
        ObjectNode arguments = MAPPER.createObjectNode();
        arguments.put("expression", expression);
        return ScriptStep.callTool(CALCULATOR, MAPPER.writeValueAsString(arguments));
    }

    private static JsonNode rows(ScriptTurn.Result result) {
        return MAPPER.readTree(result.text()).path("rows");
    }

    private static JsonNode firstCell(ScriptTurn.Result result) {
        return rows(result).path(0).path(0);
    }

    private static BigDecimal decimalOrZero(JsonNode cell) {
        return cell.isNumber() ? cell.decimalValue() : BigDecimal.ZERO;
    }

    private static BigDecimal calculatorResult(ScriptTurn.Result result) {
        return MAPPER.readTree(result.text()).path("result").decimalValue();
    }

    static BigDecimal vatPercent(String input) {
        Matcher matcher = VAT.matcher(input);
        if (!matcher.find()) {
            return null;
        }
        String rate = matcher.group("rate") != null ? matcher.group("rate") : matcher.group("rate2");
        return new BigDecimal(rate.replace(',', '.'));
    }

    // Returns the number of customers the input asks for, in digits, or the default when it names none.
    private static String requestedCustomerCount(ScriptTurn turn) {
        String count = turn.group("count");
        if (count == null) {
            return Integer.toString(DEFAULT_TOP_CUSTOMERS);
        }
        return NUMBER_WORDS.getOrDefault(count.toLowerCase(Locale.ROOT), count);
    }

    // Returns the count when it is from MIN_TOP_CUSTOMERS to MAX_TOP_CUSTOMERS, else null.
    private static Integer customerCount(String digits) {
        BigInteger count = new BigInteger(digits);
        if (count.compareTo(BigInteger.valueOf(MIN_TOP_CUSTOMERS)) < 0
                || count.compareTo(BigInteger.valueOf(MAX_TOP_CUSTOMERS)) > 0) {
            return null;
        }
        return count.intValue();
    }

    private static int stockThreshold(ScriptTurn turn) {
        String below = turn.group("below") != null ? turn.group("below") : turn.group("under");
        if (below != null) {
            return Integer.parseInt(below);
        }
        return turn.input().toLowerCase(Locale.ROOT).contains("out of stock") ? 1 : 10;
    }

    static String customerName(String raw) {
        String name = raw.strip().replaceAll("[?.!\"]+$", "").strip();
        name = TRAILING_WORDS.matcher(name).replaceAll("").strip();
        return name.replaceAll("^[\"']|[\"']$", "");
    }

    static String place(String input) {
        Matcher matcher = PLACE.matcher(input);
        return matcher.find() ? matcher.group("place").strip() : null;
    }

    private static String money(BigDecimal value) {
        return value.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private static String plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }
}
