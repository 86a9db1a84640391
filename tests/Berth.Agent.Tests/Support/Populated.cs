using System.Collections;
using System.Reflection;
using System.Text.Json;

namespace Berth.Agent.Tests.Support;

/// <summary>
/// Builds a value of a JSON document type with every member set (one element per collection, distinct values per
/// member), so a serialized body exercises every property's contract, not only the few a hand-written fixture sets.
/// </summary>
internal static class Populated
{
    private const int MaxDepth = 16;

    public static object Create(Type type) => Create(type, 0, new Counter())!;

    private static object? Create(Type type, int depth, Counter counter)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var n = counter.Next();
        if (type == typeof(string))
        {
            return $"s{n}";
        }
        if (type == typeof(bool))
        {
            return true;
        }
        if (type == typeof(int) || type == typeof(long) || type == typeof(short))
        {
            return Convert.ChangeType(n, type, System.Globalization.CultureInfo.InvariantCulture);
        }
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return Convert.ChangeType(n + 0.25, type, System.Globalization.CultureInfo.InvariantCulture);
        }
        if (type == typeof(DateTimeOffset))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000 + (n * 1_001L));
        }
        if (type == typeof(byte[]))
        {
            return new byte[] { (byte)n, 1, 2 };
        }
        if (type == typeof(JsonElement))
        {
            return JsonDocument.Parse($"{{\"k\":{n}}}").RootElement.Clone();
        }
        if (type.IsEnum)
        {
            return Enum.GetValues(type).GetValue(0);
        }
        if (depth >= MaxDepth)
        {
            return null;
        }
        if (type.IsArray)
        {
            var array = Array.CreateInstance(type.GetElementType()!, 1);
            array.SetValue(Create(type.GetElementType()!, depth + 1, counter), 0);
            return array;
        }
        if (type.IsGenericType && Dictionary(type) is { } dictionaryType)
        {
            var dictionary = (IDictionary)Activator.CreateInstance(dictionaryType)!;
            var arguments = dictionaryType.GetGenericArguments();
            dictionary.Add(Create(arguments[0], depth + 1, counter)!, Create(arguments[1], depth + 1, counter));
            return dictionary;
        }
        if (type.IsGenericType && List(type) is { } listType)
        {
            var list = (IList)Activator.CreateInstance(listType)!;
            list.Add(Create(listType.GetGenericArguments()[0], depth + 1, counter));
            return list;
        }
        // Positional records take their members through the constructor; the rest are set afterwards.
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var parameters = constructor.GetParameters();
        var value = constructor.Invoke(parameters.Select(p => Create(p.ParameterType, depth + 1, counter)).ToArray());
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0
                && !parameters.Any(p => string.Equals(p.Name, property.Name, StringComparison.OrdinalIgnoreCase)))
            {
                property.SetValue(value, Create(property.PropertyType, depth + 1, counter));
            }
        }
        return value;
    }

    private static Type? Dictionary(Type type)
    {
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>)
            ? typeof(Dictionary<,>).MakeGenericType(type.GetGenericArguments())
            : null;
    }

    private static Type? List(Type type)
    {
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>)
            || definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>)
            ? typeof(List<>).MakeGenericType(type.GetGenericArguments())
            : null;
    }

    private sealed class Counter
    {
        private int _value;

        public int Next() => ++_value;
    }
}
