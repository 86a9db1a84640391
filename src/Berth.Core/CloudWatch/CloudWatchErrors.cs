using Berth.Core.Errors;

namespace Berth.Core.CloudWatch;

// CloudWatch's modeled errors. The class name is the JSON/CBOR __type (the model's shape name); QueryErrorCode is
// the model's error "code", which query answers carry and x-amzn-query-error repeats for the other protocols.

public sealed class InvalidParameterValueException(string message) : EcsException(message)
{
    public override string QueryErrorCode => "InvalidParameterValue";
}

public sealed class MissingRequiredParameterException(string parameter)
    : EcsException($"The parameter {parameter} is required.")
{
    public override string QueryErrorCode => "MissingParameter";
}

public sealed class InvalidParameterCombinationException(string message) : EcsException(message)
{
    public override string QueryErrorCode => "InvalidParameterCombination";
}

public sealed class InvalidNextToken(string message = "The nextToken is invalid.") : EcsException(message)
{
    public override string QueryErrorCode => "InvalidNextToken";
}

/// <summary>DeleteAlarms and SetAlarmState naming an alarm that does not exist.</summary>
public sealed class ResourceNotFound(string message) : EcsException(message)
{
    public override int HttpStatus => 404;

    public override string QueryErrorCode => "ResourceNotFound";
}

/// <summary>The tag operations' error for an ARN naming no alarm (a different shape from <see cref="ResourceNotFound"/>).</summary>
public sealed class TaggedResourceNotFoundException(string message) : EcsException(message)
{
    public override string ErrorCode => "ResourceNotFoundException";

    public override int HttpStatus => 404;

    public override string QueryErrorCode => "ResourceNotFoundException";
}

/// <summary>SetAlarmState's StateReasonData that is not JSON.</summary>
public sealed class InvalidFormatFault(string message) : EcsException(message)
{
    public override string QueryErrorCode => "InvalidFormat";
}

/// <summary>PutMetricAlarm and TagResource over one of CloudWatch's quotas.</summary>
public sealed class LimitExceededFault(string message) : EcsException(message)
{
    public override string QueryErrorCode => "LimitExceeded";
}
