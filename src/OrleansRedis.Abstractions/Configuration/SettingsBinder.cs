using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;

namespace OrleansRedis.Abstractions.Configuration;

/// <summary>
/// Binds a configuration section onto an options object like <c>ConfigurationBinder.Bind</c>, but never throws: every
/// value that cannot be read (a word where a number belongs, an unknown enum name, and, when asked, an unknown key) is
/// kept as a failure that names the full setting, e.g. <c>OrleansRedis:RateLimits:Policies:demo:Limit must be a whole
/// number (it was 'five').</c> The failures travel with the options instance to <see cref="SettingsValidator{TOptions}"/>,
/// which reports them first, together with the range problems of every other setting. It binds what the project's
/// options hold: scalars (strings, numbers, booleans, enums by name, durations), nested settings classes and
/// string-keyed dictionaries; other property types (lists, delegates, interfaces) are left to code.
/// </summary>
public static class SettingsBinder
{
    private static readonly ConditionalWeakTable<object, List<SettingFailure>> Failures = new();

    /// <summary>
    /// Binds <paramref name="section"/> onto <paramref name="target"/> and returns the messages of the values that could
    /// not be read (they are also remembered for <see cref="Report"/>). With <paramref name="rejectUnknownKeys"/>, a key
    /// that matches no setting is a failure too (a misspelt key would otherwise be ignored without a word).
    /// </summary>
    public static IReadOnlyList<string> Bind(IConfiguration section, object target, bool rejectUnknownKeys = false)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(target);
        var found = new List<SettingFailure>();
        BindObject(section, target, rejectUnknownKeys, found);
        Failures.GetOrCreateValue(target).AddRange(found);
        return [.. found.Select(f => f.Message)];
    }

    /// <summary>
    /// Lists every problem of <paramref name="target"/>: first the values its binding could not read, then
    /// <paramref name="rangeErrors"/> (a validator's checks), leaving out range errors about a setting whose value was
    /// already reported as unreadable (its default stands in for it, so a range message would only mislead).
    /// </summary>
    public static IReadOnlyList<string> Report(object target, IEnumerable<string> rangeErrors)
    {
        ArgumentNullException.ThrowIfNull(target);
        List<SettingFailure> failures = Failures.TryGetValue(target, out var list) ? list : [];
        var unreadable = failures.Select(f => f.Path).ToList();
        return [.. failures.Select(f => f.Message)
            .Concat(rangeErrors.Where(error => !unreadable.Any(path => IsAbout(error, path))))
            .Distinct(StringComparer.Ordinal)];
    }

    private static bool IsAbout(string error, string path) =>
        error.Length > path.Length && error.StartsWith(path, StringComparison.OrdinalIgnoreCase) && error[path.Length] is ' ' or ':';

    private static void BindObject(IConfiguration section, object target, bool strict, List<SettingFailure> failures)
    {
        var properties = target.GetType()
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && IsBindable(p))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var property))
            {
                if (strict)
                {
                    failures.Add(new(child.Path, $"{child.Path} is not a known setting (known: {string.Join(", ", properties.Keys)})."));
                }

                continue;
            }

            BindProperty(child, target, property, strict, failures);
        }
    }

    private static void BindProperty(IConfigurationSection child, object target, PropertyInfo property, bool strict, List<SettingFailure> failures)
    {
        var type = property.PropertyType;
        if (IsScalar(type))
        {
            if (child.Value is { } text && TryRead(child, text, type, failures, out var value))
            {
                property.SetValue(target, value);
            }

            return;
        }

        var instance = property.GetValue(target);
        if (instance is null && property.SetMethod is not { IsPublic: true })
        {
            return;
        }

        if (instance is null)
        {
            instance = Activator.CreateInstance(type)!;
            property.SetValue(target, instance);
        }

        if (instance is IDictionary dictionary)
        {
            var valueType = type.GetGenericArguments()[1];
            foreach (var entry in child.GetChildren())
            {
                if (IsScalar(valueType))
                {
                    if (entry.Value is { } text && TryRead(entry, text, valueType, failures, out var value))
                    {
                        dictionary[entry.Key] = value;
                    }

                    continue;
                }

                var item = dictionary.Contains(entry.Key) ? dictionary[entry.Key]! : Activator.CreateInstance(valueType)!;
                BindObject(entry, item, strict, failures);
                dictionary[entry.Key] = item;
            }

            return;
        }

        BindObject(child, instance, strict, failures);
    }

    private static bool TryRead(IConfigurationSection setting, string text, Type type, List<SettingFailure> failures, out object? value)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        var trimmed = text.Trim();
        value = null;
        if (target == typeof(string))
        {
            value = text;
            return true;
        }

        if (trimmed.Length == 0)
        {
            // An empty value clears a nullable setting and leaves any other at its default, as the binder does.
            return target != type;
        }

        if (Convert(trimmed, target, out value, out var expected))
        {
            return true;
        }

        failures.Add(new(setting.Path, $"{setting.Path} must be {expected} (it was '{text}')."));
        return false;
    }

    private static bool Convert(string text, Type type, out object? value, out string expected)
    {
        var invariant = CultureInfo.InvariantCulture;
        value = null;
        if (type.IsEnum)
        {
            var names = Enum.GetNames(type);
            expected = $"one of {string.Join(", ", names)}";

            // Names only: a number would pass Enum.TryParse for values the enum does not define.
            var name = names.FirstOrDefault(n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
            value = name is null ? null : Enum.Parse(type, name);
            return name is not null;
        }

        if (type == typeof(TimeSpan))
        {
            expected = "a duration such as 00:00:10 (hh:mm:ss)";
            var ok = TimeSpan.TryParse(text, invariant, out var span);
            value = span;
            return ok;
        }

        if (type == typeof(bool))
        {
            expected = "true or false";
            var ok = bool.TryParse(text, out var flag);
            value = flag;
            return ok;
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ulong))
        {
            expected = "a whole number";
            if (!decimal.TryParse(text, NumberStyles.Integer, invariant, out var number))
            {
                return false;
            }

            var (min, max) = IntegerRange(type);
            if (number < min || number > max)
            {
                expected = $"a whole number from {min} to {max}";
                return false;
            }

            value = System.Convert.ChangeType(number, type, invariant);
            return true;
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            expected = "a number";
            var ok = decimal.TryParse(text, NumberStyles.Float, invariant, out var number);
            value = ok ? System.Convert.ChangeType(number, type, invariant) : null;
            return ok;
        }

        expected = $"a valid {type.Name}";
        try
        {
            value = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(text);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
    }

    private static (decimal Min, decimal Max) IntegerRange(Type type) =>
        type == typeof(int) ? (int.MinValue, int.MaxValue)
        : type == typeof(long) ? (long.MinValue, long.MaxValue)
        : type == typeof(short) ? (short.MinValue, short.MaxValue)
        : type == typeof(byte) ? (byte.MinValue, byte.MaxValue)
        : type == typeof(uint) ? (uint.MinValue, uint.MaxValue)
        : (ulong.MinValue, ulong.MaxValue);

    private static bool IsBindable(PropertyInfo property)
    {
        var type = property.PropertyType;
        var settable = property.SetMethod is { IsPublic: true };
        if (IsScalar(type))
        {
            return settable;
        }

        if (typeof(Delegate).IsAssignableFrom(type) || type.IsAbstract || type.IsInterface)
        {
            return false;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return type.GetGenericArguments()[0] == typeof(string);
        }

        // A nested settings class: bound in place (get-only) or replaced (settable), as the binder does.
        return type.IsClass && !typeof(IEnumerable).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null;
    }

    private static bool IsScalar(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target.IsPrimitive || target.IsEnum || target == typeof(string) || target == typeof(decimal) || target == typeof(TimeSpan)
            || target == typeof(DateTimeOffset) || target == typeof(DateTime) || target == typeof(Guid) || target == typeof(Uri);
    }

    private sealed record SettingFailure(string Path, string Message);
}
