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
