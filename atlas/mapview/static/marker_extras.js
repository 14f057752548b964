{% macro script(this, kwargs) %}
(function (layer) {
    layer.feature = {"type": "Feature", "properties": {{ this.props_json }}};
    {%- if this.tooltip_json %}
    layer.bindTooltip({{ this.tooltip_json }},
        {"direction": "top", "offset": [0, -12], "className": "atlas-tip-box"});
    {%- endif %}
    {%- if this.popup_json %}
    layer.bindPopup({{ this.popup_json }},
        {"maxWidth": 340, "minWidth": 230, "maxHeight": 360, "autoPanPadding": [16, 16]});
    {%- endif %}
})({{ this._parent.get_name() }});
{% endmacro %}
