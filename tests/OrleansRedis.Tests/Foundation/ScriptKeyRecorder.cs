using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Foundation;

/// <summary>
/// A multiplexer whose databases run each <c>ScriptEvaluateAsync(string, ...)</c> wrapped in a Lua shim that notes every
/// key the script's <c>redis.call</c>/<c>redis.pcall</c> touch and that its KEYS do not name; the caller gets the
/// script's own reply, <see cref="Calls"/> the script, its KEYS, its ARGV and those undeclared keys.
/// </summary>
public sealed class ScriptKeyRecorder
{
    // The key of each command the queue scripts run: the first argument, except XREADGROUP (after STREAMS), XGROUP and
    // XINFO (after the subcommand) and TIME (none).
    private const string ShimHead = """
        local real = redis
        local declared, undeclared = {}, {}
        for _, k in ipairs(KEYS) do declared[k] = true end
        local function note(k)
          if type(k) == 'string' and not declared[k] then undeclared[#undeclared + 1] = k end
        end
        local function touch(args)
          local cmd = string.upper(args[1])
          if cmd == 'TIME' then return end
          if cmd == 'XREADGROUP' then
            for i = 2, #args - 1 do
              if string.upper(tostring(args[i])) == 'STREAMS' then note(args[i + 1]) end
            end
          elseif cmd == 'XGROUP' or cmd == 'XINFO' then
            note(args[3])
          else
            note(args[2])
          end
        end
        local redis = setmetatable({
          call = function(...) touch({...}) return real.call(...) end,
          pcall = function(...) touch({...}) return real.pcall(...) end,
        }, {__index = real})
        local function body()

        """;

    private const string ShimTail = """

        end
        return {body(), undeclared}
        """;

    /// <summary>Gets every script run so far, in order.</summary>
    public ConcurrentQueue<(string Script, RedisKey[] Keys, RedisValue[] Args, string[] Undeclared)> Calls { get; } = new();

    /// <summary>Wraps <paramref name="multiplexer"/>: its databases record their scripts here.</summary>
    public IConnectionMultiplexer Wrap(IConnectionMultiplexer multiplexer)
    {
        var proxy = DispatchProxy.Create<IConnectionMultiplexer, Forwarder<IConnectionMultiplexer>>();
        ((Forwarder<IConnectionMultiplexer>)(object)proxy).Init(multiplexer, (method, args, result) =>
            method.Name == nameof(IConnectionMultiplexer.GetDatabase) ? WrapDatabase((IDatabase)result!) : result);
        return proxy;
    }

    private IDatabase WrapDatabase(IDatabase database)
    {
        var proxy = DispatchProxy.Create<IDatabase, Forwarder<IDatabase>>();
        ((Forwarder<IDatabase>)(object)proxy).Init(database, null, (method, args) =>
        {
            var parameters = method.GetParameters();
            return method.Name == nameof(IDatabase.ScriptEvaluateAsync) && parameters.Length == 4 && parameters[0].ParameterType == typeof(string)
                && parameters[1].ParameterType == typeof(RedisKey[])
                ? EvaluateAsync(database, (string)args![0]!, (RedisKey[]?)args[1] ?? [], (RedisValue[]?)args[2] ?? [], (CommandFlags)args[3]!)
                : null;
        });
        return proxy;
    }

    private async Task<RedisResult> EvaluateAsync(IDatabase database, string script, RedisKey[] keys, RedisValue[] args, CommandFlags flags)
    {
        var wrapped = (RedisResult[])(await database.ScriptEvaluateAsync(ShimHead + script + ShimTail, keys, args, flags).ConfigureAwait(false))!;
        Calls.Enqueue((script, keys, args, (string[])wrapped[1]!));
        return wrapped[0];
    }

    /// <summary>Forwards every call to its target; <c>intercept</c> may answer a call itself, <c>after</c> replace a result.</summary>
    /// <typeparam name="T">The interface.</typeparam>
    public class Forwarder<T> : DispatchProxy
        where T : class
    {
        private T _target = null!;
        private Func<MethodInfo, object?[]?, object?, object?>? _after;
        private Func<MethodInfo, object?[]?, object?>? _intercept;

        internal void Init(T target, Func<MethodInfo, object?[]?, object?, object?>? after, Func<MethodInfo, object?[]?, object?>? intercept = null)
        {
            _target = target;
            _after = after;
            _intercept = intercept;
        }

        /// <inheritdoc />
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (_intercept?.Invoke(targetMethod, args) is { } answered)
            {
                return answered;
            }

            object? result;
            try
            {
                result = targetMethod.Invoke(_target, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }

            return _after is null ? result : _after(targetMethod, args, result);
        }
    }
}
