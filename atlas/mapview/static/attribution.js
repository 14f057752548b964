{% macro script(this, kwargs) %}
if ({{ this._parent.get_name() }}.attributionControl) {
    {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.html_json }});
}
{% endmacro %}
